import { describe, expect, it } from "vitest";
import { BLOCKED_SYSCALLS, seccompProgram } from "./seccomp";

/** A tiny classic-BPF interpreter for the instructions the filter uses, to test decisions. */
function decide(program: Buffer, data: { arch: number; nr: number; arg0?: number }): number {
  const words = new Map([
    [0, data.nr >>> 0],
    [4, data.arch >>> 0],
    [16, (data.arg0 ?? 0) >>> 0],
  ]);
  let acc = 0;
  for (let pc = 0; pc < program.length / 8;) {
    const code = program.readUInt16LE(pc * 8);
    const jt = program.readUInt8(pc * 8 + 2);
    const jf = program.readUInt8(pc * 8 + 3);
    const k = program.readUInt32LE(pc * 8 + 4);
    if (code === 0x20) acc = words.get(k) ?? 0;
    else if (code === 0x06) return k;
    else if (code === 0x15) pc += acc === k ? jt : jf;
    else if (code === 0x35) pc += acc >= k ? jt : jf;
    else if (code === 0x45) pc += (acc & k) !== 0 ? jt : jf;
    else throw new Error(`unexpected opcode ${code}`);
    pc += 1;
  }
  throw new Error("fell off the end");
}

const X86_64 = 0xc000003e;
const ALLOW = 0x7fff0000;
const EPERM = 0x00050001;
const ENOSYS = 0x00050026;

describe("seccomp filter", () => {
  const program = seccompProgram("x64");
  if (!program) throw new Error("expected a program on x64");

  it("allows ordinary syscalls (read, write, openat, mmap, execve, exit_group)", () => {
    for (const nr of [0, 1, 257, 9, 59, 231])
      expect(decide(program, { arch: X86_64, nr })).toBe(ALLOW);
  });

  it("refuses every listed syscall", () => {
    for (const [name, nr] of Object.entries(BLOCKED_SYSCALLS))
      expect(decide(program, { arch: X86_64, nr }), name).toBe(EPERM);
  });

  it("lets clone make threads and processes but not namespaces; clone3 falls back", () => {
    const thread = 0x3d0f00; // CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|SETTLS|PARENT_SETTID|CHILD_CLEARTID
    expect(decide(program, { arch: X86_64, nr: 56, arg0: thread })).toBe(ALLOW);
    expect(decide(program, { arch: X86_64, nr: 56, arg0: 0x01200011 })).toBe(ALLOW); // fork()
    expect(decide(program, { arch: X86_64, nr: 56, arg0: 0x10000000 })).toBe(EPERM); // CLONE_NEWUSER
    expect(decide(program, { arch: X86_64, nr: 56, arg0: 0x40000000 | 0x11 })).toBe(EPERM); // CLONE_NEWNET
    expect(decide(program, { arch: X86_64, nr: 435 })).toBe(ENOSYS);
  });

  it("refuses other ABIs (i386, x32)", () => {
    expect(decide(program, { arch: 0x40000003, nr: 1 })).toBe(EPERM);
    expect(decide(program, { arch: X86_64, nr: 0x40000000 | 1 })).toBe(EPERM);
  });

  it("is only built for x86_64", () => {
    expect(seccompProgram("arm64")).toBeNull();
  });
});
