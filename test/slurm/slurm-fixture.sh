#!/usr/bin/env bash
# Copied from ../shared/slurm-fixture.sh (the tested recipe in ../shared/slurm.md), so that a checkout carries it.
# slurm-fixture.sh - a real single-node Slurm cluster for automated tests, without systemd.
#
# Tested on Debian 12 (bookworm) with Debian's packages: slurm-wlm 22.05.8, munge 0.5.15
# (optional: mariadb-server 10.11 + slurmdbd for sacct, slurmrestd for the REST API). Run as root.
#
#   slurm-fixture.sh install   # apt-get install what the knobs below need (idempotent)
#   slurm-fixture.sh start     # fresh state, write configs, start the daemons, wait until the node is idle
#   slurm-fixture.sh env       # print "export SLURM_CONF=..." for clients
#   slurm-fixture.sh status    # daemons' PIDs and sinfo
#   slurm-fixture.sh stop      # cancel all jobs, then stop exactly the PIDs that 'start' recorded
#   slurm-fixture.sh clean     # stop, then remove the whole state directory
#   slurm-fixture.sh kill slurmctld|slurmd [SIGNAL]   # failure injection: signal one daemon (default TERM)
#   slurm-fixture.sh start-daemon slurmctld|slurmd    # start that daemon again (slurmctld recovers its state)
#
# Everything (configs, state, spool, logs, PID files, munge key and socket, database) lives under
# $SLURM_TEST_DIR (default /tmp/slurm-test). Clients need SLURM_CONF=$SLURM_TEST_DIR/etc/slurm.conf.
#
# Knobs (environment variables, read by install/start):
#   SLURM_TEST_DIR            state directory                                              (/tmp/slurm-test)
#   SLURM_FIXTURE_AUTH        munge | none  (none: auth/none + cred/none, no munged; any local
#                             user can impersonate any other - only for a throwaway test box)    (munge)
#   SLURM_FIXTURE_PROCTRACK   cgroup | linuxproc | pgid  (cgroup falls back to linuxproc if the
#                             cgroup v1 freezer is not writable)                                 (cgroup)
#   SLURM_FIXTURE_CPUS        CPUs the node advertises (config_overrides lets it exceed the hardware) (8)
#   SLURM_FIXTURE_GPUS        number of FAKE GPUs (gres/gpu backed by char devices), 0 = none   (2)
#   SLURM_FIXTURE_CONSTRAIN_DEVICES 1 = task/cgroup + ConstrainDevices=yes: a job can open only the
#                             fake GPUs it was given, and CUDA_VISIBLE_DEVICES counts from 0      (0)
#   SLURM_FIXTURE_ACCOUNTING  none | dbd  (dbd: private MariaDB + slurmdbd, so sacct works)      (none)
#   SLURM_FIXTURE_RESTD_USER  non-root user to run slurmrestd as (unix socket
#                             $SLURM_TEST_DIR/restd/slurmrestd.sock); empty = no slurmrestd      ()
#   SLURM_FIXTURE_NODENAME    node name                                                     ($(hostname -s))
#   SLURM_FIXTURE_PORT_BASE   slurmctld=BASE, slurmd=BASE+1, slurmdbd=BASE+2, mariadb=BASE+3  (16817)
#   SLURM_FIXTURE_KILLWAIT    seconds between SIGTERM and SIGKILL on cancel / time limit        (5)
#   SLURM_FIXTURE_MINJOBAGE   seconds a finished job stays visible to squeue/scontrol          (300)
#   SLURM_FIXTURE_KEEP_STATE  1 = 'start' keeps jobs/state of the previous run                  (0)
#   SLURM_FIXTURE_TIMEOUT     seconds to wait for the node to become idle                      (30)
set -euo pipefail

DIR=${SLURM_TEST_DIR:-/tmp/slurm-test}
AUTH=${SLURM_FIXTURE_AUTH:-munge}
PROCTRACK=${SLURM_FIXTURE_PROCTRACK:-cgroup}
NCPUS=${SLURM_FIXTURE_CPUS:-8}
NGPUS=${SLURM_FIXTURE_GPUS:-2}
CONSTRAIN=${SLURM_FIXTURE_CONSTRAIN_DEVICES:-0}
ACCOUNTING=${SLURM_FIXTURE_ACCOUNTING:-none}
RESTD_USER=${SLURM_FIXTURE_RESTD_USER:-}
NODE=${SLURM_FIXTURE_NODENAME:-$(hostname -s)}
PORT_BASE=${SLURM_FIXTURE_PORT_BASE:-16817}
KILLWAIT=${SLURM_FIXTURE_KILLWAIT:-5}
MINJOBAGE=${SLURM_FIXTURE_MINJOBAGE:-300}
KEEP=${SLURM_FIXTURE_KEEP_STATE:-0}
WAIT_S=${SLURM_FIXTURE_TIMEOUT:-30}
CTLD_PORT=$PORT_BASE
SLURMD_PORT=$((PORT_BASE + 1))
DBD_PORT=$((PORT_BASE + 2))
MYSQL_PORT=$((PORT_BASE + 3))
CONF=$DIR/etc/slurm.conf
MYSQL_SOCK=$DIR/mysql/mysqld.sock
export SLURM_CONF=$CONF

log() { printf '[slurm-fixture] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# A PID counts as alive unless it is gone or a zombie (PID 1 of a container may reap orphans late).
alive() {
  local st
  st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$st" ] && [ "$st" != Z ]
}
recorded_alive() { [ -f "$DIR/run/$1.bgpid" ] && alive "$(cat "$DIR/run/$1.bgpid")"; }

cmd_install() {
  local pkgs="slurmctld slurmd slurm-client"
  [ "$AUTH" = munge ] && pkgs="$pkgs munge"
  [ "$ACCOUNTING" = dbd ] && pkgs="$pkgs slurmdbd slurm-wlm-mysql-plugin mariadb-server"
  [ -n "$RESTD_USER" ] && pkgs="$pkgs slurmrestd"
  local missing="" p
  for p in $pkgs; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"; done
  if [ -z "$missing" ]; then log "packages already installed: $pkgs"; return 0; fi
  apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  log "installed:$missing ($(slurmd -V))"
}

cgroup_usable() {
  # proctrack/cgroup under cgroup/v1 needs a writable freezer hierarchy
  [ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" = tmpfs ] || return 1
  [ -d /sys/fs/cgroup/freezer ] || return 1
  local probe=/sys/fs/cgroup/freezer/slurm_fixture_probe_$$
  mkdir "$probe" 2>/dev/null || return 1
  rmdir "$probe"
}

write_configs() {
  local mem
  mem=$(slurmd -C 2>/dev/null | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')
  [ -n "$mem" ] || mem=4096
  mem=$((mem * 9 / 10))       # slack, so a small change in free memory cannot drain the node

  if [ "$PROCTRACK" = cgroup ] && ! cgroup_usable; then
    log "cgroup v1 freezer not usable here; falling back to proctrack/linuxproc"
    PROCTRACK=linuxproc
  fi
  local task=task/none constrain=no dev_major=1
  if [ "$CONSTRAIN" = 1 ]; then
    [ -d /sys/fs/cgroup/devices ] && cgroup_usable || die "SLURM_FIXTURE_CONSTRAIN_DEVICES=1 needs writable cgroup v1 hierarchies"
    # the fakes must not share numbers with a real device: the devices cgroup denies what a job was
    # not given, and fakes made as 1,3 made every job fail on /dev/null. 195 is NVIDIA's major, so
    # refuse when a driver has it.
    awk '$1 == 195' /proc/devices | grep -q . && die "major 195 is taken (NVIDIA driver loaded?): configure the real GPUs instead"
    task=task/cgroup constrain=yes dev_major=195
  fi

  mkdir -p "$DIR"/{etc,state,spool,log,run,dev,munge}
  chmod 755 "$DIR" "$DIR/run"     # munged insists that its socket directory is world-executable
  chmod 700 "$DIR/munge"

  local auth_lines acct_lines gres_types="" node_gres=""
  if [ "$AUTH" = munge ]; then
    auth_lines="AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$DIR/run/munge.socket"
  else
    auth_lines="AuthType=auth/none
CredType=cred/none"
  fi
  if [ "$ACCOUNTING" = dbd ]; then
    # AccountingStoragePass names the munge socket for connections to slurmdbd (AuthInfo is not used there)
    acct_lines="AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=127.0.0.1
AccountingStoragePort=$DBD_PORT
JobAcctGatherType=jobacct_gather/linux"
    [ "$AUTH" = munge ] && acct_lines="$acct_lines
AccountingStoragePass=$DIR/run/munge.socket"
  else
    acct_lines="AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none"
  fi
  if [ "$NGPUS" -gt 0 ]; then
    gres_types="GresTypes=gpu"
    node_gres="Gres=gpu:$NGPUS"
  fi

  cat > "$CONF" <<EOF
# generated by slurm-fixture.sh - single-node test cluster (Slurm $(slurmd -V | awk '{print $2}'))
ClusterName=fixture
SlurmctldHost=$(hostname -s)(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
$auth_lines
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/run/slurmctld.pid
SlurmdPidFile=$DIR/run/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
MailProg=/bin/true
ProctrackType=proctrack/$PROCTRACK
TaskPlugin=$task
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
# batch jobs otherwise wait up to 3 s for their first scheduling pass. (Not bf_interval=1: jobs that
# the backfill pass starts were not written to StateSaveLocation until the next job event, so a
# kill -9 of slurmctld made Slurm relaunch them and drain the node.)
SchedulerParameters=batch_sched_delay=0
MpiDefault=none
ReturnToService=2
SlurmdParameters=config_overrides
$acct_lines
JobCompType=jobcomp/filetxt
JobCompLoc=$DIR/log/jobcomp.txt
MinJobAge=$MINJOBAGE
KillWait=$KILLWAIT
SlurmdTimeout=60
InactiveLimit=0
$gres_types
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$NCPUS Boards=1 SocketsPerBoard=1 CoresPerSocket=$NCPUS ThreadsPerCore=1 RealMemory=$mem $node_gres State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF

  # Fake GPUs: slurmd rejects plain files ("is not a valid character or block device"), so each
  # fake nvidiaN is a character device: by default with the numbers of /dev/null (1,3), harmless to
  # open; with CONSTRAIN_DEVICES=1 as 195,N like /dev/nvidiaN (no driver: open gives ENXIO).
  : > "$DIR/etc/gres.conf"
  if [ "$NGPUS" -gt 0 ]; then
    local i f maj min hex
    for ((i = 0; i < NGPUS; i++)); do
      f=$DIR/dev/nvidia$i maj=$dev_major min=3
      [ "$dev_major" = 195 ] && min=$i
      hex=$(stat -c '%t %T' "$f" 2>/dev/null || true)      # major and minor, in hex
      if ! [ -c "$f" ] || [ "$((16#${hex% *})) $((16#${hex#* }))" != "$maj $min" ]; then
        rm -f "$f"
        mknod "$f" c "$maj" "$min"
      fi
    done
    cat > "$DIR/etc/gres.conf" <<EOF
AutoDetect=off
NodeName=$NODE Name=gpu File=$DIR/dev/nvidia[0-$((NGPUS - 1))]
EOF
  fi

  cat > "$DIR/etc/cgroup.conf" <<EOF
CgroupPlugin=cgroup/v1
CgroupMountpoint=/sys/fs/cgroup
ConstrainCores=no
ConstrainRAMSpace=no
ConstrainDevices=$constrain
EOF
  echo "$PROCTRACK" > "$DIR/run/proctrack"
}

start_bg() { # NAME CMD...: start a daemon in the foreground mode, in the background; record its PID
  local name=$1; shift
  # setsid: its own session, so a test runner's Ctrl-C / process-group kill does not reach it
  setsid "$@" >>"$DIR/log/$name.stdout" 2>&1 </dev/null &
  echo $! >"$DIR/run/$name.bgpid"
}

start_daemon() { # slurmctld | slurmd - also used to start one again after 'kill'
  case $1 in
    slurmctld) start_bg slurmctld slurmctld -D -f "$CONF" ;;    # no -c: recovers jobs from $DIR/state
    slurmd) start_bg slurmd slurmd -D -f "$CONF" -N "$NODE" ;;
    *) die "unknown daemon $1" ;;
  esac
}

start_accounting() {
  command -v mariadbd >/dev/null && command -v slurmdbd >/dev/null || die "SLURM_FIXTURE_ACCOUNTING=dbd needs: $0 install"
  mkdir -p "$DIR/mysql"
  if [ ! -d "$DIR/mysql/data/mysql" ]; then
    mariadb-install-db --no-defaults --user=root --datadir="$DIR/mysql/data" \
      --auth-root-authentication-method=socket --skip-test-db >"$DIR/log/mariadb-install.log" 2>&1 \
      || die "mariadb-install-db failed: see $DIR/log/mariadb-install.log"
  fi
  start_bg mariadbd mariadbd --no-defaults --user=root --datadir="$DIR/mysql/data" --socket="$MYSQL_SOCK" \
    --port="$MYSQL_PORT" --bind-address=127.0.0.1 --skip-name-resolve --pid-file="$DIR/mysql/mysqld.pid" \
    --log-error="$DIR/log/mariadb.log" --innodb-buffer-pool-size=64M
  local i
  for ((i = 0; i < 150; i++)); do
    mariadb --no-defaults -S "$MYSQL_SOCK" -u root -e 'select 1' >/dev/null 2>&1 && break
    recorded_alive mariadbd || die "mariadbd exited: $(tail -5 "$DIR/log/mariadb.log")"
    sleep 0.1
  done
  local drop=""
  [ "$KEEP" = 1 ] || drop="DROP DATABASE IF EXISTS slurm_acct_db;"
  mariadb --no-defaults -S "$MYSQL_SOCK" -u root -e "$drop
    CREATE DATABASE IF NOT EXISTS slurm_acct_db;
    CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY 'fixture';
    GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';" || die "could not create the accounting database"

  local dbd_auth="AuthType=auth/none"
  [ "$AUTH" = munge ] && dbd_auth="AuthType=auth/munge
AuthInfo=socket=$DIR/run/munge.socket"
  cat > "$DIR/etc/slurmdbd.conf" <<EOF
$dbd_auth
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort=$DBD_PORT
SlurmUser=root
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$MYSQL_PORT
StorageUser=slurm
StoragePass=fixture
StorageLoc=slurm_acct_db
LogFile=$DIR/log/slurmdbd.log
PidFile=$DIR/run/slurmdbd.pid
DebugLevel=info
EOF
  chmod 600 "$DIR/etc/slurmdbd.conf"     # slurmdbd refuses a world-readable config
  # slurmdbd reads slurmdbd.conf from the directory of $SLURM_CONF
  start_bg slurmdbd slurmdbd -D
  for ((i = 0; i < 150; i++)); do
    sacctmgr -n list cluster >/dev/null 2>&1 && break
    recorded_alive slurmdbd || die "slurmdbd exited: $(tail -5 "$DIR/log/slurmdbd.stdout")"
    sleep 0.1
  done
  sacctmgr -n -P list cluster format=cluster | grep -qx fixture || sacctmgr -i add cluster fixture >/dev/null
}

start_restd() {
  command -v slurmrestd >/dev/null || die "SLURM_FIXTURE_RESTD_USER needs: $0 install"
  id "$RESTD_USER" >/dev/null 2>&1 || die "no such user: $RESTD_USER"
  [ "$(id -u "$RESTD_USER")" != 0 ] || die "slurmrestd refuses to run as root"
  mkdir -p "$DIR/restd"
  chown "$RESTD_USER" "$DIR/restd"       # slurmrestd binds the socket after dropping to that user
  rm -f "$DIR/restd/slurmrestd.sock"
  # -s openapi/v0.0.38: without slurmdbd the default set fails ("slurm not configured with slurmdbd")
  local plugins=openapi/v0.0.38
  [ "$ACCOUNTING" = dbd ] && plugins=openapi/v0.0.38,openapi/dbv0.0.38
  start_bg slurmrestd slurmrestd -f "$CONF" -u "$RESTD_USER" -s "$plugins" -a rest_auth/local \
    "unix:$DIR/restd/slurmrestd.sock"
  local i
  for ((i = 0; i < 50; i++)); do [ -S "$DIR/restd/slurmrestd.sock" ] && break; sleep 0.1; done
  [ -S "$DIR/restd/slurmrestd.sock" ] || die "slurmrestd did not start: $(tail -3 "$DIR/log/slurmrestd.stdout")"
}

cmd_start() {
  command -v slurmctld >/dev/null || die "slurm is not installed (run: $0 install)"
  local n
  for n in munged mariadbd slurmdbd slurmctld slurmd slurmrestd; do
    recorded_alive "$n" && die "$n already running (pid $(cat "$DIR/run/$n.bgpid")); run '$0 stop' first"
  done
  local t0
  t0=$(date +%s%N)
  if [ "$KEEP" != 1 ]; then rm -rf "$DIR/state" "$DIR/spool" "$DIR/log" "$DIR/run"; fi
  write_configs

  if [ "$AUTH" = munge ]; then
    [ -s "$DIR/munge/munge.key" ] || { dd if=/dev/urandom of="$DIR/munge/munge.key" bs=1024 count=1 status=none; chmod 400 "$DIR/munge/munge.key"; }
    start_bg munged munged -F --key-file="$DIR/munge/munge.key" --socket="$DIR/run/munge.socket" \
      --pid-file="$DIR/run/munged.pid" --log-file="$DIR/log/munged.log" --seed-file="$DIR/munge/munged.seed" --num-threads=10
    local i
    for ((i = 0; i < 50; i++)); do [ -S "$DIR/run/munge.socket" ] && break; sleep 0.1; done
    [ -S "$DIR/run/munge.socket" ] || die "munged did not start: $(cat "$DIR/log/munged.stdout")"
  fi
  [ "$ACCOUNTING" = dbd ] && start_accounting

  start_daemon slurmctld
  start_daemon slurmd

  local state="" deadline=$((SECONDS + WAIT_S))
  while ((SECONDS < deadline)); do
    # slurmd answers locally AND slurmctld reports the node usable (a recovered node_state file can
    # say "idle" before slurmd has registered, hence both checks)
    if scontrol show slurmd >/dev/null 2>&1; then
      state=$(sinfo -h -N -o '%T' 2>/dev/null | head -1 || true)
      case "$state" in idle | mixed | allocated) break ;; esac
    fi
    recorded_alive slurmctld || die "slurmctld exited: $(tail -5 "$DIR/log/slurmctld.stdout")"
    recorded_alive slurmd || die "slurmd exited: $(tail -5 "$DIR/log/slurmd.stdout")"
    sleep 0.1
  done
  case "$state" in
    idle | mixed | allocated) ;;
    *) die "node not idle after ${WAIT_S}s (state '$state'); see $DIR/log" ;;
  esac
  [ -n "$RESTD_USER" ] && start_restd
  log "up in $(( ($(date +%s%N) - t0) / 1000000 )) ms: auth=$AUTH proctrack=$(cat "$DIR/run/proctrack") cpus=$NCPUS gpus=$NGPUS accounting=$ACCOUNTING restd=${RESTD_USER:-no}; export SLURM_CONF=$CONF"
}

stop_pid() { # NAME: TERM, wait up to 10 s, then KILL - only the PID recorded by start
  local f="$DIR/run/$1.bgpid" pid i
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do alive "$pid" || break; sleep 0.1; done
    if alive "$pid"; then
      log "$1 ($pid) ignored SIGTERM; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$f"
}

cmd_stop() {
  local t0=$SECONDS
  if recorded_alive slurmctld; then
    # cancel every job and give it KillWait (+ slack) to go, so no slurmstepd outlives the fixture
    local jobs i
    jobs=$(squeue -h -o '%i' 2>/dev/null || true)
    if [ -n "$jobs" ]; then
      # shellcheck disable=SC2086
      scancel $jobs 2>/dev/null || true
      for ((i = 0; i < (KILLWAIT + 5) * 5; i++)); do
        [ -z "$(squeue -h -o '%i' 2>/dev/null)" ] && break
        sleep 0.2
      done
    fi
  fi
  local n
  for n in slurmrestd slurmd slurmctld slurmdbd mariadbd munged; do stop_pid "$n"; done
  log "stopped in $((SECONDS - t0))s"
}

cmd_status() {
  local n
  for n in munged mariadbd slurmdbd slurmctld slurmd slurmrestd; do
    if recorded_alive "$n"; then echo "$n: running, pid $(cat "$DIR/run/$n.bgpid")"; fi
  done
  sinfo 2>/dev/null || echo "slurmctld not answering"
}

cmd_clean() {
  cmd_stop
  rm -rf "$DIR"
  # the (empty) cgroups slurmd made for this node
  local d
  for d in /sys/fs/cgroup/*/"slurm_$NODE"; do [ -d "$d" ] && rmdir "$d" 2>/dev/null || true; done
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  restart) cmd_stop; cmd_start ;;
  status) cmd_status ;;
  env) echo "export SLURM_CONF=$CONF" ;;
  clean) cmd_clean ;;
  kill)
    f="$DIR/run/${2:?daemon name}.bgpid"
    [ -f "$f" ] || die "$2 not started by this fixture"
    kill -"${3:-TERM}" "$(cat "$f")"
    rm -f "$f"
    ;;
  start-daemon) start_daemon "${2:?daemon name}" ;;
  *) echo "usage: $0 install|start|stop|restart|status|env|clean|kill NAME [SIG]|start-daemon NAME" >&2; exit 2 ;;
esac
