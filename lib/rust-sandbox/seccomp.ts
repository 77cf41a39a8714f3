/**
 * A small seccomp filter (classic BPF, assembled here: no libseccomp binding is installed),
 * loaded by bwrap (`--seccomp FD`) just before the command starts. Everything runs in its own
 * namespaces already; this takes away the kernel's riskiest doors from learner code:
 * new namespaces (unprivileged user namespaces would otherwise be allowed), mounts, keyrings,
 * bpf, perf, userfaultfd, io_uring, ptrace, module loading, handle-based opens, and every
 * non-x86_64 syscall ABI. clone3 answers ENOSYS so that glibc falls back to clone, where the
 * flags can be inspected. x86_64 only; elsewhere the sandbox runs without it.
 */
import "server-only";

const AUDIT_ARCH_X86_64 = 0xc000003e;
const X32_SYSCALL_BIT = 0x40000000;
const RET_ALLOW = 0x7fff0000;
const RET_ERRNO = 0x00050000;
const EPERM = 1;
const ENOSYS = 38;

/** Any CLONE_NEW* flag: NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET (and NEWTIME 0x80). */
const CLONE_NAMESPACE_FLAGS =
  0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000 | 0x80;

/** x86_64 syscall numbers refused with EPERM. */
export const BLOCKED_SYSCALLS: Record<string, number> = {
  ptrace: 101,
  personality: 135,
  pivot_root: 155,
  chroot: 161,
  mount: 165,
  umount2: 166,
  swapon: 167,
  swapoff: 168,
  reboot: 169,
  init_module: 175,
  delete_module: 176,
  quotactl: 179,
  add_key: 248,
  request_key: 249,
  keyctl: 250,
  unshare: 272,
  kexec_load: 246,
  perf_event_open: 298,
  name_to_handle_at: 303,
  open_by_handle_at: 304,
  setns: 308,
  process_vm_readv: 310,
  process_vm_writev: 311,
  finit_module: 313,
  kexec_file_load: 320,
  bpf: 321,
  userfaultfd: 323,
  io_uring_setup: 425,
  io_uring_enter: 426,
  io_uring_register: 427,
  open_tree: 428,
  move_mount: 429,
  fsopen: 430,
  fsconfig: 431,
  fsmount: 432,
  fspick: 433,
  mount_setattr: 442,
};
const SYS_CLONE = 56;
const SYS_CLONE3 = 435;

type Label = "eperm" | "enosys" | "clone";
interface Instruction {
  code: number;
  jt: number | Label;
  jf: number | Label;
  k: number;
  label?: Label;
}

const LD_ABS_W = 0x20;
const JEQ = 0x15;
const JGE = 0x35;
const JSET = 0x45;
const RET = 0x06;

function assemble(program: Instruction[]): Buffer {
  const at = new Map<Label, number>();
  program.forEach((ins, index) => ins.label && at.set(ins.label, index));
  const out = Buffer.alloc(program.length * 8);
  program.forEach((ins, index) => {
    const jump = (target: number | Label) => {
      if (typeof target === "number") return target;
      const offset = (at.get(target) ?? -1) - index - 1;
      if (offset < 0 || offset > 255) throw new Error(`seccomp: bad jump to ${target}`);
      return offset;
    };
    out.writeUInt16LE(ins.code, index * 8);
    out.writeUInt8(jump(ins.jt), index * 8 + 2);
    out.writeUInt8(jump(ins.jf), index * 8 + 3);
    out.writeUInt32LE(ins.k >>> 0, index * 8 + 4);
  });
  return out;
}

/** The filter as bytes (struct sock_filter[]), for bwrap's --seccomp. Null where not x86_64. */
export function seccompProgram(arch: string = process.arch): Buffer | null {
  if (arch !== "x64") return null;
  const program: Instruction[] = [
    { code: LD_ABS_W, jt: 0, jf: 0, k: 4 }, // seccomp_data.arch
    { code: JEQ, jt: 1, jf: 0, k: AUDIT_ARCH_X86_64 },
    { code: RET, jt: 0, jf: 0, k: RET_ERRNO | EPERM },
    { code: LD_ABS_W, jt: 0, jf: 0, k: 0 }, // seccomp_data.nr
    { code: JGE, jt: "eperm", jf: 0, k: X32_SYSCALL_BIT },
    { code: JEQ, jt: "enosys", jf: 0, k: SYS_CLONE3 },
    { code: JEQ, jt: "clone", jf: 0, k: SYS_CLONE },
    ...Object.values(BLOCKED_SYSCALLS).map((nr): Instruction => ({
      code: JEQ,
      jt: "eperm",
      jf: 0,
      k: nr,
    })),
    { code: RET, jt: 0, jf: 0, k: RET_ALLOW },
    { code: LD_ABS_W, jt: 0, jf: 0, k: 16, label: "clone" }, // low 32 bits of args[0], the clone flags
    { code: JSET, jt: "eperm", jf: 0, k: CLONE_NAMESPACE_FLAGS },
    { code: RET, jt: 0, jf: 0, k: RET_ALLOW },
    { code: RET, jt: 0, jf: 0, k: RET_ERRNO | EPERM, label: "eperm" },
    { code: RET, jt: 0, jf: 0, k: RET_ERRNO | ENOSYS, label: "enosys" },
  ];
  return assemble(program);
}
