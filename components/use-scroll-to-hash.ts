"use client";
import { useEffect, useRef } from "react";

/**
 * Scrolls to the section a link's #fragment names once that section has its data: the browser's own scroll
 * comes before the data arrives, when the section is not there yet. Once per page load.
 */
export function useScrollToHash(id: string, ready: boolean) {
  const done = useRef(false);
  useEffect(() => {
    if (!ready || done.current || window.location.hash !== `#${id}`) return;
    done.current = true;
    document.getElementById(id)?.scrollIntoView({ block: "start" });
  }, [id, ready]);
}
