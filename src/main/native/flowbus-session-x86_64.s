# flowbus-session, for x86_64 Linux: the program each task starts through when the node can run it
# (SessionLauncher builds the executable from these instructions; ./assemble prints them as hex).
#
#   flowbus-session PROGRAM [ARG...]
#
# Makes a session of its own (setsid), then executes PROGRAM, an absolute path, with the ARGs and
# the environment as they are, in place: the pid stays, so the pid that the JVM sees is the session
# id. A file the kernel cannot execute as it is (ENOEXEC: a script without "#!") is run by /bin/sh,
# as execvp(3) and the JVM do. When PROGRAM cannot be executed it writes
#   flowbus-session: failed to execute PROGRAM: errno N
# on stderr and exits 127 when N is ENOENT, 126 otherwise, as util-linux setsid(1) does; it exits
# 126 with a message when it cannot make a session or has no PROGRAM. No libc, no dynamic loader:
# an exec of this file costs the kernel's exec alone.
#
#   flowbus-session -u UID GID GROUPS GRACE_MS PROGRAM [ARG...]
#
# The same session, and PROGRAM in PID and mount namespaces of its own, as user UID with group GID
# and the supplementary GROUPS (decimal, comma-separated, at most 256; empty for none): what
# util-linux "unshare --pid --fork --mount-proc", a minimal init and "setpriv" do, in one program.
# UID and GID 0 are refused. After the session it unshares the namespaces, blocks INT, TERM and
# CHLD, sets them to their defaults and forks; this first process never takes them (a stop's TERM
# is for the task), waits for its child and exits with the child's status (128 + N when killed by
# signal N). The child is PID 1 of the new PID namespace, the init, born with those signals
# blocked, so none is lost: it makes every mount of its namespace private, mounts a /proc of the
# new PID namespace, and (unless a TERM came already: then it exits 143) forks the task, which
# unblocks them, drops to the user (setgroups, setresgid, setresuid, so no capability is left) and
# executes PROGRAM as above. The init stays root, out of the task's reach, and runs no program. It waits for
# the task, reaping whatever else ends, taking the signals with sigtimedwait, so that no handler
# and no writable memory are needed. When the task has ended: unless a TERM came (a stop sends it
# to every process of the session), it sends TERM to what is left in the namespace; it waits up to
# GRACE_MS for that to end, then exits with the task's status, and the kernel kills whatever is
# left in the namespace. A failure to make the namespaces or to switch the user says what failed
# and "errno N", and exits 126.
    .globl _start
    .text
    .set SIGSET, 0x14002        # INT (2), TERM (15) and CHLD (17), bits N - 1
    .set FRAME, 1152            # the sandbox's stack frame, below what the kernel gave
    .set UID, 0
    .set GID, 4
    .set NGROUPS, 8
    .set STATUS, 16
    .set ACTION, 24             # struct sigaction: handler, flags, restorer, mask
    .set SET, 56
    .set CLOCK, 64              # struct timespec
    .set PAUSE, 80              # struct timespec
    .set GRACE, 96              # nanoseconds
    .set GROUPS, 128            # up to 256 gid_t
    .set MAX_GROUPS, 256
_start:
    mov  $112, %eax             # setsid()
    syscall
    test %rax, %rax
    js   nosession
    mov  (%rsp), %r14           # argc
    lea  8(%rsp), %r15          # argv
    lea  16(%rsp,%r14,8), %rbp  # envp, after argv's NULL
    cmp  $2, %r14
    jb   noprogram
    mov  8(%r15), %rax          # argv[1]
    cmpw $0x752d, (%rax)        # "-u"
    jne  session
    cmpb $0, 2(%rax)
    je   sandbox
session:
    lea  8(%r15), %rsi          # argv + 1: PROGRAM [ARG...]
execute:                        # %rsi: the argv of PROGRAM, %rbp: envp; in place of this process
    mov  %rsi, %rbx
    mov  (%rsi), %r13           # PROGRAM
    mov  %r13, %rdi
    mov  %rbp, %rdx
    mov  $59, %eax              # execve(PROGRAM, argv, envp)
    syscall
    cmp  $-8, %rax              # ENOEXEC: run it with /bin/sh PROGRAM [ARG...]
    jne  failed
    lea  sh(%rip), %rdi
    mov  %rdi, -8(%rbx)         # the argument before PROGRAM = "/bin/sh"
    lea  -8(%rbx), %rsi
    mov  %rbp, %rdx
    mov  $59, %eax              # execve("/bin/sh", argv, envp)
    syscall
failed:
    mov  %rax, %r12
    neg  %r12                   # errno
    lea  prefix(%rip), %rsi
    mov  $prefix_len, %edx
    call say
    mov  %r13, %rsi
    xor  %edx, %edx
length:
    cmpb $0, (%rsi,%rdx)
    je   counted
    inc  %rdx
    jmp  length
counted:
    call say                    # PROGRAM
    mov  $126, %ebx
    cmp  $2, %r12               # ENOENT
    jne  errno_tail
    mov  $127, %ebx
    jmp  errno_tail
fatal:                          # %rsi, %rdx: what failed, %rax: -errno; exits 126
    mov  %rax, %r12
    neg  %r12
    call say
    mov  $126, %ebx
errno_tail:                     # ": errno N" and a newline, then exit %ebx
    lea  infix(%rip), %rsi
    mov  $infix_len, %edx
    call say
    sub  $32, %rsp              # the number, written backwards from its newline
    lea  31(%rsp), %rdi
    movb $10, (%rdi)
    mov  %r12, %rax
    mov  $10, %ecx
digit:
    xor  %edx, %edx
    div  %rcx
    add  $48, %dl
    dec  %rdi
    mov  %dl, (%rdi)
    test %rax, %rax
    jnz  digit
    mov  %rdi, %rsi
    lea  32(%rsp), %rdx
    sub  %rdi, %rdx
    call say
    mov  %ebx, %edi
    jmp  leave
nosession:
    lea  nosession_msg(%rip), %rsi
    mov  $nosession_len, %edx
    jmp  fail_fixed
noprogram:
    lea  noprogram_msg(%rip), %rsi
    mov  $noprogram_len, %edx
    jmp  fail_fixed
badargs:
    lea  badargs_msg(%rip), %rsi
    mov  $badargs_len, %edx
fail_fixed:
    call say
    mov  $126, %edi
leave:
    mov  $60, %eax              # exit
    syscall
say:                            # write(2, %rsi, %rdx)
    mov  $2, %edi
    mov  $1, %eax
    syscall
    ret
number:                         # the decimal at %rsi, up to a NUL or ',', in %rax, below 2^32 - 1;
    xor  %eax, %eax             # %rsi then points at what ended it
    xor  %ecx, %ecx
next_digit:
    movzbl (%rsi), %edx
    sub  $48, %edx
    cmp  $9, %edx
    ja   number_end
    imul $10, %rax, %rax
    add  %rdx, %rax
    inc  %rsi
    inc  %ecx
    cmp  $10, %ecx
    ja   badargs
    jmp  next_digit
number_end:
    test %ecx, %ecx
    jz   badargs
    mov  $0xfffffffe, %edx      # never -1, which would leave an id as it is
    cmp  %rdx, %rax
    ja   badargs
    movzbl (%rsi), %edx
    test %edx, %edx
    jz   number_ok
    cmp  $44, %edx              # ','
    jne  badargs
number_ok:
    ret
whole:                          # number, which must be the whole argument at %rsi
    call number
    cmpb $0, (%rsi)
    jne  badargs
    ret

sandbox:
    cmp  $7, %r14
    jb   noprogram
    sub  $FRAME, %rsp
    mov  16(%r15), %rsi
    call whole
    test %eax, %eax             # never root: the task is to drop it
    jz   badargs
    mov  %eax, UID(%rsp)
    mov  24(%r15), %rsi
    call whole
    test %eax, %eax
    jz   badargs
    mov  %eax, GID(%rsp)
    mov  40(%r15), %rsi
    call whole
    imul $1000000, %rax, %rax
    mov  %rax, GRACE(%rsp)
    mov  32(%r15), %rsi         # GROUPS
    xor  %ebx, %ebx
    cmpb $0, (%rsi)
    je   grouped
group:
    cmp  $MAX_GROUPS, %ebx
    jae  badargs
    call number
    mov  %eax, GROUPS(%rsp,%rbx,4)
    inc  %ebx
    cmpb $0, (%rsi)
    je   grouped
    inc  %rsi                   # past ','
    jmp  group
grouped:
    mov  %rbx, NGROUPS(%rsp)
    movq $SIGSET, SET(%rsp)
    movq $0, ACTION(%rsp)       # SIG_DFL, no flags, restorer or mask
    movq $0, ACTION+8(%rsp)
    movq $0, ACTION+16(%rsp)
    movq $0, ACTION+24(%rsp)
    movq $0, PAUSE(%rsp)        # no time at all, to ask for a signal already there
    movq $0, PAUSE+8(%rsp)
    mov  $0x20020000, %edi      # unshare(CLONE_NEWPID | CLONE_NEWNS)
    mov  $272, %eax
    syscall
    lea  nonamespace_msg(%rip), %rsi
    mov  $nonamespace_len, %edx
    test %rax, %rax
    js   fatal
    xor  %edi, %edi             # rt_sigprocmask(SIG_BLOCK, {INT, TERM, CHLD}, NULL, 8): this
    call mask                   # process never takes them (a stop's TERM is for the task, whose
    call signals                # status is wanted); the init is born with them queued, not lost
    mov  $57, %eax
    syscall                     # fork(): the child is PID 1 of the new namespace
    lea  nofork_msg(%rip), %rsi
    mov  $nofork_len, %edx
    test %rax, %rax
    js   fatal
    jz   init
    mov  %rax, %rbx
outer_wait:
    mov  %rbx, %rdi             # wait4(init, &status, 0, NULL)
    lea  STATUS(%rsp), %rsi
    xor  %edx, %edx
    xor  %r10d, %r10d
    mov  $61, %eax
    syscall
    cmp  $-4, %rax              # EINTR
    je   outer_wait
    lea  nowait_msg(%rip), %rsi
    mov  $nowait_len, %edx
    test %rax, %rax
    js   fatal
    jmp  exit_status

signals:                        # INT, TERM and CHLD to SIG_DFL, whatever they were inherited as
                                # (with CHLD ignored, a child would be reaped before its wait)
    mov  $2, %edi
    call action
    mov  $15, %edi
    call action
    mov  $17, %edi
    call action
    ret
action:                         # rt_sigaction(%edi, ACTION, NULL, 8)
    lea  ACTION+16(%rsp), %rsi  # two return addresses are on top of the frame
    xor  %edx, %edx
    mov  $8, %r10d
    mov  $13, %eax
    syscall
    ret

init:                           # INT, TERM and CHLD are blocked and at their defaults
    lea  none(%rip), %rdi       # mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL)
    lea  root(%rip), %rsi
    xor  %edx, %edx
    mov  $0x44000, %r10d
    xor  %r8d, %r8d
    mov  $165, %eax
    syscall
    lea  private_msg(%rip), %rsi
    mov  $private_len, %edx
    test %rax, %rax
    js   fatal
    lea  proc(%rip), %rdi       # mount("proc", "/proc", "proc", MS_NOSUID|MS_NODEV|MS_NOEXEC, 0)
    lea  procdir(%rip), %rsi
    mov  %rdi, %rdx
    mov  $14, %r10d
    xor  %r8d, %r8d
    mov  $165, %eax
    syscall
    lea  noproc_msg(%rip), %rsi
    mov  $noproc_len, %edx
    test %rax, %rax
    js   fatal
early:                          # a TERM before the task is started: it is not started
    lea  PAUSE(%rsp), %rdx
    call take
    cmp  $15, %rax
    je   stopped
    test %rax, %rax
    jg   early
    mov  $57, %eax              # fork(): the task
    syscall
    lea  nofork_msg(%rip), %rsi
    mov  $nofork_len, %edx
    test %rax, %rax
    js   fatal
    jz   task
    mov  %rax, %r12             # the task's pid
    xor  %r13d, %r13d           # whether a TERM came
reap:
    call reap_one
    js   lost
    jz   pause                  # none has ended
    cmp  %r12, %rax
    jne  reap
    jmp  ended
lost:
    lea  nowait_msg(%rip), %rsi
    mov  $nowait_len, %edx
    jmp  fatal
stopped:
    mov  $128+15, %edi
    jmp  leave
pause:
    xor  %edx, %edx             # rt_sigtimedwait({INT, TERM, CHLD}, NULL, NULL, 8): until one comes
    call take
    cmp  $15, %rax
    jne  reap
    mov  $1, %r13d
    jmp  reap
ended:
    mov  STATUS(%rsp), %ebx     # the task's status, kept
    test %r13d, %r13d
    jnz  grace
    mov  $-1, %rdi              # kill(-1, TERM): what the task left in the namespace
    mov  $15, %esi
    mov  $62, %eax
    syscall
grace:
    call now
    add  GRACE(%rsp), %rax
    mov  %rax, %r14             # the deadline
leftovers:
    call reap_one
    jg   leftovers
    mov  $-1, %rdi              # kill(-1, 0): is any process left?
    xor  %esi, %esi
    mov  $62, %eax
    syscall
    test %rax, %rax
    jnz  done
    call now
    mov  %r14, %rcx
    sub  %rax, %rcx             # what is left of the grace period
    jle  done
    mov  $100000000, %eax       # wait at most 0.1 s at a time (or until a CHLD)
    cmp  %rax, %rcx
    cmova %rax, %rcx
    movq $0, PAUSE(%rsp)
    mov  %rcx, PAUSE+8(%rsp)
    lea  PAUSE(%rsp), %rdx
    call take
    jmp  leftovers
done:
    mov  %ebx, STATUS(%rsp)
exit_status:                    # exit with STATUS as a shell tells it: N, or 128 + signal N
    mov  STATUS(%rsp), %eax
    mov  %eax, %edi
    and  $0x7f, %edi
    jz   exited
    add  $128, %edi
    jmp  leave
exited:
    movzbl %ah, %edi
    jmp  leave

task:
    mov  $1, %edi               # rt_sigprocmask(SIG_UNBLOCK, {INT, TERM, CHLD}, NULL, 8)
    call mask
    mov  NGROUPS(%rsp), %rdi    # setgroups(n, groups)
    lea  GROUPS(%rsp), %rsi
    mov  $116, %eax
    syscall
    test %rax, %rax
    js   noswitch
    mov  GID(%rsp), %edi        # setresgid(gid, gid, gid)
    mov  %edi, %esi
    mov  %edi, %edx
    mov  $119, %eax
    syscall
    test %rax, %rax
    js   noswitch
    mov  UID(%rsp), %edi        # setresuid(uid, uid, uid)
    mov  %edi, %esi
    mov  %edi, %edx
    mov  $117, %eax
    syscall
    test %rax, %rax
    js   noswitch
    lea  48(%r15), %rsi         # argv + 6: PROGRAM [ARG...]
    jmp  execute
noswitch:
    lea  noswitch_msg(%rip), %rsi
    mov  $noswitch_len, %edx
    jmp  fatal

mask:                           # rt_sigprocmask(%edi, SET, NULL, 8)
    lea  SET+8(%rsp), %rsi
    xor  %edx, %edx
    mov  $8, %r10d
    mov  $14, %eax
    syscall
    ret
take:                           # rt_sigtimedwait(SET, NULL, %rdx, 8): the signal taken, or -errno
    lea  SET+8(%rsp), %rdi
    xor  %esi, %esi
    mov  $8, %r10d
    mov  $128, %eax
    syscall
    ret
reap_one:                       # wait4(-1, STATUS, WNOHANG, NULL), its answer compared with 0
    mov  $-1, %rdi
    lea  STATUS+8(%rsp), %rsi
    mov  $1, %edx
    xor  %r10d, %r10d
    mov  $61, %eax
    syscall
    test %rax, %rax
    ret
now:                            # CLOCK_MONOTONIC in nanoseconds, in %rax
    mov  $1, %edi
    lea  CLOCK+8(%rsp), %rsi
    mov  $228, %eax
    syscall
    imul $1000000000, CLOCK+8(%rsp), %rax
    add  CLOCK+16(%rsp), %rax
    ret

sh:     .asciz "/bin/sh"
none:   .asciz "none"
root:   .asciz "/"
proc:   .asciz "proc"
procdir: .asciz "/proc"
prefix: .ascii "flowbus-session: failed to execute "
    .set prefix_len, . - prefix
infix:  .ascii ": errno "
    .set infix_len, . - infix
nosession_msg: .ascii "flowbus-session: cannot make a session of its own\n"
    .set nosession_len, . - nosession_msg
noprogram_msg: .ascii "flowbus-session: no program given\n"
    .set noprogram_len, . - noprogram_msg
badargs_msg: .ascii "flowbus-session: -u takes UID GID GROUPS GRACE_MS PROGRAM [ARG...]\n"
    .set badargs_len, . - badargs_msg
nonamespace_msg: .ascii "flowbus-session: cannot make PID and mount namespaces of its own"
    .set nonamespace_len, . - nonamespace_msg
nofork_msg: .ascii "flowbus-session: cannot fork"
    .set nofork_len, . - nofork_msg
nowait_msg: .ascii "flowbus-session: cannot wait for its child"
    .set nowait_len, . - nowait_msg
private_msg: .ascii "flowbus-session: cannot make the namespace's mounts private"
    .set private_len, . - private_msg
noproc_msg: .ascii "flowbus-session: cannot mount /proc"
    .set noproc_len, . - noproc_msg
noswitch_msg: .ascii "flowbus-session: cannot switch to the task's user"
    .set noswitch_len, . - noswitch_msg
