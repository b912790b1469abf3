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
    .globl _start
    .text
_start:
    mov  $112, %eax             # setsid()
    syscall
    test %rax, %rax
    js   nosession
    mov  (%rsp), %rcx           # argc
    cmp  $2, %rcx
    jb   noprogram
    lea  16(%rsp), %rsi         # argv + 1: PROGRAM [ARG...]
    lea  16(%rsp,%rcx,8), %rdx  # envp, after argv's NULL
    mov  (%rsi), %r13           # PROGRAM
    mov  %r13, %rdi
    mov  $59, %eax              # execve(PROGRAM, argv + 1, envp)
    syscall
    cmp  $-8, %rax              # ENOEXEC: run it with /bin/sh PROGRAM [ARG...]
    jne  failed
    lea  sh(%rip), %rdi
    mov  %rdi, 8(%rsp)          # argv[0] = "/bin/sh"
    lea  8(%rsp), %rsi
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
    mov  $126, %edi
    cmp  $2, %r12               # ENOENT
    jne  leave
    mov  $127, %edi
leave:
    mov  $60, %eax              # exit
    syscall
nosession:
    lea  nosession_msg(%rip), %rsi
    mov  $nosession_len, %edx
    jmp  fail_fixed
noprogram:
    lea  noprogram_msg(%rip), %rsi
    mov  $noprogram_len, %edx
fail_fixed:
    call say
    mov  $126, %edi
    mov  $60, %eax              # exit
    syscall
say:                            # write(2, %rsi, %rdx)
    mov  $2, %edi
    mov  $1, %eax
    syscall
    ret
sh:     .asciz "/bin/sh"
prefix: .ascii "flowbus-session: failed to execute "
    .set prefix_len, . - prefix
infix:  .ascii ": errno "
    .set infix_len, . - infix
nosession_msg: .ascii "flowbus-session: cannot make a session of its own\n"
    .set nosession_len, . - nosession_msg
noprogram_msg: .ascii "flowbus-session: no program given\n"
    .set noprogram_len, . - noprogram_msg
