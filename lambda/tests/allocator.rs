//! The allocator the binaries install, installed in this test process too (`tuned_allocator!`):
//! its constructor runs before anything here allocates, so the options read below are the ones
//! a bootstrap starts with. The checks that need a particular environment, or a process where
//! nothing else allocates, run in a child: this test binary re-run on one ignored test.

use std::ffi::c_long;
use std::process::Command;

use libmimalloc_sys::{mi_option_get, mi_option_t};
use transactions_lambda::function::allocator::{return_free_memory, CONFIGURED, OPTIONS, TUNED};

transactions_lambda::tuned_allocator!();

const PURGE_DELAY: mi_option_t = 15;

fn option(index: usize) -> c_long {
    // SAFETY: reads one option (index < 47).
    unsafe { mi_option_get(index as mi_option_t) }
}

/// Runs one of the ignored tests below in a fresh process with `env` added.
fn child(test: &str, env: &[(&str, &str)]) {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", test, "--nocapture"])
        .envs(env.iter().copied())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{test}: {}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_constructor_gives_every_option_its_configured_value() {
    assert!(
        std::env::vars().all(|(k, _)| !k.to_ascii_uppercase().starts_with("MIMALLOC_")),
        "run the tests without MIMALLOC_* variables"
    );
    assert_eq!(OPTIONS[PURGE_DELAY as usize].0, "purge_delay");
    for (index, (name, _)) in OPTIONS.iter().enumerate() {
        assert_eq!(option(index), CONFIGURED[index], "option {index} ({name})");
    }
}

#[test]
fn a_mimalloc_variable_keeps_our_choices_and_tunes_the_rest() {
    child(
        "child_reads_the_environment_for_what_we_leave_alone",
        &[("mimalloc_purge_delay", "5")],
    );
}

#[test]
#[ignore = "run in a child process by a_mimalloc_variable_keeps_our_choices_and_tunes_the_rest"]
fn child_reads_the_environment_for_what_we_leave_alone() {
    assert_eq!(
        option(PURGE_DELAY as usize),
        5,
        "purge_delay from the environment"
    );
    for (index, value) in TUNED {
        assert_eq!(
            option(index as usize),
            value,
            "{}",
            OPTIONS[index as usize].0
        );
    }
}

#[test]
fn freed_memory_goes_back_to_the_os_when_asked() {
    child("child_gives_back_a_big_events_memory", &[]);
}

/// Resident pages of this process (`/proc/self/statm`), read without allocating: an allocation
/// could run mimalloc's delayed purge and give the memory back on its own.
fn resident_pages(statm: &mut std::fs::File, buf: &mut [u8; 128]) -> u64 {
    use std::io::{Read, Seek};
    statm.rewind().unwrap();
    let n = statm.read(buf).unwrap();
    let fields = &buf[..n];
    let start = fields.iter().position(|&b| b == b' ').unwrap() + 1;
    fields[start..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .fold(0, |pages, &d| pages * 10 + u64::from(d - b'0'))
}

#[test]
#[ignore = "run in a child process by freed_memory_goes_back_to_the_os_when_asked"]
fn child_gives_back_a_big_events_memory() {
    const BLOCKS: usize = 4096;
    const BLOCK: usize = 16 * 1024; // 64 MiB in all, in small-object pages
    let mut statm = std::fs::File::open("/proc/self/statm").unwrap();
    let mut buf = [0u8; 128];
    let mut blocks: Vec<Box<[u8]>> = Vec::with_capacity(BLOCKS);
    for i in 0..BLOCKS {
        blocks.push(vec![i as u8; BLOCK].into_boxed_slice());
    }
    let peak = resident_pages(&mut statm, &mut buf);
    drop(blocks);
    let freed = resident_pages(&mut statm, &mut buf);
    return_free_memory();
    let given_back = resident_pages(&mut statm, &mut buf);
    let mib = |pages: u64| pages * 4096 / (1024 * 1024);
    println!(
        "resident: peak {} MiB, freed {} MiB, given back {} MiB",
        mib(peak),
        mib(freed),
        mib(given_back)
    );
    assert!(
        mib(freed) + 32 > mib(peak),
        "freeing alone keeps the pages (purge delay)"
    );
    assert!(
        mib(given_back) + 48 < mib(peak),
        "return_free_memory gives most of them back"
    );
}
