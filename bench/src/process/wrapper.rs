//! Deciding how to execute a bootstrap: directly, or through an emulator when it was built for
//! another architecture (an arm64 Graviton binary on an x86_64 workstation).

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// How to run the bootstrap.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Wrapper {
    /// Run an arm64 ELF on an x86_64 host through `qemu-aarch64-static -L /usr/aarch64-linux-gnu`
    /// (and likewise x86_64 on arm64 with `qemu-x86_64-static`); anything else directly.
    #[default]
    Auto,
    /// Always run the binary directly.
    None,
    /// Run `program args... <binary>`.
    Command(Vec<String>),
}

/// Machine of an ELF executable, from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElfMachine {
    X86_64,
    Aarch64,
    Other(u16),
}

impl ElfMachine {
    fn host() -> Option<ElfMachine> {
        match std::env::consts::ARCH {
            "x86_64" => Some(ElfMachine::X86_64),
            "aarch64" => Some(ElfMachine::Aarch64),
            _ => None,
        }
    }
}

/// Reads the ELF header's `e_machine`; `None` for anything that is not a 64-bit
/// little-endian ELF (scripts, for instance, which the kernel runs through their `#!`).
pub fn elf_machine(path: &Path) -> std::io::Result<Option<ElfMachine>> {
    let mut header = [0u8; 20];
    let mut file = File::open(path)?;
    let mut read = 0;
    while read < header.len() {
        match file.read(&mut header[read..])? {
            0 => return Ok(None),
            n => read += n,
        }
    }
    // e_ident: magic, EI_CLASS=2 (64-bit), EI_DATA=1 (little-endian); e_machine at offset 18.
    if &header[..4] != b"\x7fELF" || header[4] != 2 || header[5] != 1 {
        return Ok(None);
    }
    Ok(Some(match u16::from_le_bytes([header[18], header[19]]) {
        0x3e => ElfMachine::X86_64,
        0xb7 => ElfMachine::Aarch64,
        other => ElfMachine::Other(other),
    }))
}

/// The argv prefix that runs `binary` (empty: run it directly), resolved against `PATH`.
pub fn resolve(wrapper: &Wrapper, binary: &Path) -> Result<Vec<String>> {
    match wrapper {
        Wrapper::None => Ok(Vec::new()),
        Wrapper::Command(argv) => Ok(argv.clone()),
        Wrapper::Auto => {
            let (Some(machine), Some(host)) = (elf_machine(binary)?, ElfMachine::host()) else {
                return Ok(Vec::new());
            };
            let (emulator, sysroot) = match (machine, host) {
                (m, h) if m == h => return Ok(Vec::new()),
                (ElfMachine::Aarch64, ElfMachine::X86_64) => {
                    ("qemu-aarch64-static", "/usr/aarch64-linux-gnu")
                }
                (ElfMachine::X86_64, ElfMachine::Aarch64) => {
                    ("qemu-x86_64-static", "/usr/x86_64-linux-gnu")
                }
                (m, _) => {
                    return Err(Error::Bootstrap(format!(
                        "{} is an ELF for {m:?}, which this {host:?} host cannot run",
                        binary.display()
                    )))
                }
            };
            let Some(program) = find_in_path(emulator) else {
                return Err(Error::Bootstrap(format!(
                    "{} is built for {machine:?} but this host is {host:?}, and {emulator} is \
                     not on PATH (Debian: apt-get install qemu-user-static)",
                    binary.display()
                )));
            };
            let mut argv = vec![program.display().to_string()];
            // Dynamically linked binaries need the foreign libc; static ones ignore -L.
            if Path::new(sysroot).is_dir() {
                argv.extend(["-L".to_owned(), sysroot.to_owned()]);
            }
            Ok(argv)
        }
    }
}

/// `which`, without a dependency: the first executable file named `program` on `PATH`.
pub fn find_in_path(program: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    if program.contains('/') {
        return Some(PathBuf::from(program));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| {
            candidate
                .metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_own_machine() {
        let me = std::env::current_exe().unwrap();
        assert_eq!(elf_machine(&me).unwrap(), ElfMachine::host());
        assert!(resolve(&Wrapper::Auto, &me).unwrap().is_empty());
    }

    #[test]
    fn scripts_and_short_files_are_not_elf() {
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("bootstrap");
        std::fs::write(&script, "#!/bin/sh\nexit 0\n").unwrap();
        assert_eq!(elf_machine(&script).unwrap(), None);
        assert!(resolve(&Wrapper::Auto, &script).unwrap().is_empty());
    }

    #[test]
    fn arm64_header_on_x86_64_picks_qemu() {
        let dir = tempfile::tempdir().unwrap();
        let fake = dir.path().join("bootstrap");
        let mut header = vec![0u8; 64];
        header[..4].copy_from_slice(b"\x7fELF");
        header[4] = 2;
        header[5] = 1;
        header[18..20].copy_from_slice(&0xb7u16.to_le_bytes());
        std::fs::write(&fake, header).unwrap();
        assert_eq!(elf_machine(&fake).unwrap(), Some(ElfMachine::Aarch64));
        if ElfMachine::host() == Some(ElfMachine::X86_64) {
            match resolve(&Wrapper::Auto, &fake) {
                Ok(argv) => assert!(argv[0].ends_with("qemu-aarch64-static"), "{argv:?}"),
                Err(e) => assert!(e.to_string().contains("qemu-aarch64-static"), "{e}"),
            }
        }
        assert!(resolve(&Wrapper::None, &fake).unwrap().is_empty());
    }
}
