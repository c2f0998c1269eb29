import { describe, expect, it } from "vitest";
import { splitCommand } from "./argv";

describe("splitCommand", () => {
  it.each([
    ["uv run train.py", ["uv", "run", "train.py"]],
    ['python  "my train.py" --lr=0.1', ["python", "my train.py", "--lr=0.1"]],
    ["node -e ''", ["node", "-e", ""]],
    ['["uv", "run", "train.py"]', ["uv", "run", "train.py"]],
  ])("%s", (text, argv) => expect(splitCommand(text)).toEqual(argv));

  it("refuses an unclosed quote", () => expect(() => splitCommand('python "train.py')).toThrow(/unclosed/));
});
