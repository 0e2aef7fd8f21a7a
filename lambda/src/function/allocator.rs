//! The global allocator for the binaries: mimalloc, configured before anything allocates.
//!
//! Everything here runs in an ELF constructor with priority 99 that [`tuned_allocator!`]
//! installs: before mimalloc's own (default-priority) constructor and before Rust's runtime, so
//! before the first allocation. It does two things for the cold start (docs/design.md, "mimalloc, configured before anything allocates"):
//!
//! - **Options fixed at build time.** Left alone, mimalloc reads each of its 47 options from the
//!   environment, scanning every variable case-insensitively once per option (twice for the
//!   ones with a legacy name): with Lambda's environment that was ~33k arm64 instructions before
//!   the first request. [`OPTIONS`] gives each its value instead, which marks it initialised, so
//!   mimalloc never reads the environment. If the environment does hold a `MIMALLOC_*`
//!   variable (someone tuning the function on purpose), only our deliberate choices are set and
//!   mimalloc reads the rest as usual.
//! - **Our choices** ([`TUNED`]): arenas committed in one call instead of one `mprotect` per
//!   page, with transparent huge pages off so that the eager commit does not turn into 2 MiB of
//!   resident memory per touched page; and no collect/merge/purge at exit, which the platform
//!   (it kills or reuses the sandbox) never needs.

pub use mimalloc::MiMalloc;

use std::ffi::c_long;

use libmimalloc_sys::mi_option_t;

/// The options of the mimalloc v3 that libmimalloc-sys 0.1.49 bundles, in `mi_option_t` order
/// (`include/mimalloc.h`), with the value mimalloc itself starts from on a 64-bit Linux release
/// build. `options_match_what_mimalloc_starts_from` checks the table against mimalloc: a
/// libmimalloc-sys upgrade that adds, reorders or re-defaults an option fails it.
pub const OPTIONS: [(&str, c_long); 47] = [
    ("show_errors", 0),
    ("show_stats", 0),
    ("verbose", 0),
    ("deprecated_eager_commit", 1),
    ("arena_eager_commit", 2),
    ("purge_decommits", 1),
    ("allow_large_os_pages", 0),
    ("reserve_huge_os_pages", 0),
    ("reserve_huge_os_pages_at", -1),
    ("reserve_os_memory", 0),
    ("deprecated_segment_cache", 0),
    ("deprecated_page_reset", 0),
    ("deprecated_abandoned_page_purge", 0),
    ("deprecated_segment_reset", 0),
    ("deprecated_eager_commit_delay", 1),
    ("purge_delay", 1000),
    ("use_numa_nodes", 0),
    ("disallow_os_alloc", 0),
    ("os_tag", 100),
    ("max_errors", 32),
    ("max_warnings", 32),
    ("deprecated_max_segment_reclaim", 10),
    ("destroy_on_exit", 0),
    ("arena_reserve", 1024 * 1024),
    ("arena_purge_mult", 1),
    ("deprecated_purge_extend_delay", 1),
    ("disallow_arena_alloc", 0),
    ("retry_on_oom", 400),
    ("visit_abandoned", 0),
    ("guarded_min", 0),
    ("guarded_max", 1 << 30),
    ("guarded_precise", 0),
    ("guarded_sample_rate", 0),
    ("guarded_sample_seed", 0),
    ("generic_collect", 10_000),
    ("page_reclaim_on_free", 0),
    ("page_full_retain", 2),
    ("page_max_candidates", 4),
    ("max_vabits", 0),
    ("pagemap_commit", 0),
    ("page_commit_on_demand", 0),
    ("page_max_reclaim", -1),
    ("page_cross_thread_max_reclaim", 32),
    ("allow_thp", 1),
    ("minimal_purge_size", 0),
    ("arena_max_object_size", 2 * 1024 * 1024),
    ("arena_is_numa_local", 0),
];

/// `mi_option_t` indices of the options we tune (checked against [`OPTIONS`] by a test).
pub const ARENA_EAGER_COMMIT: mi_option_t = 4;
pub const DESTROY_ON_EXIT: mi_option_t = 22;
pub const ALLOW_THP: mi_option_t = 43;

/// Our deliberate departures from [`OPTIONS`].
pub const TUNED: [(mi_option_t, c_long); 3] = [
    // Commit an arena with its reservation (one mmap) instead of one mprotect per fresh page.
    (ARENA_EAGER_COMMIT, 1),
    // No MADV_HUGEPAGE on the arena: with it, eagerly committed memory became resident in 2 MiB
    // steps (an idle function at 9-10 MB instead of ~3).
    (ALLOW_THP, 0),
    // > 1: skip mimalloc's process-done work (collect, stats merge, purge) at exit.
    (DESTROY_ON_EXIT, 2),
];

/// The value the constructor gives each option: [`TUNED`]'s if listed there, else mimalloc's.
/// Computed at compile time, so the constructor only copies values.
pub const CONFIGURED: [c_long; OPTIONS.len()] = {
    let mut values = [0; OPTIONS.len()];
    let mut i = 0;
    while i < OPTIONS.len() {
        values[i] = OPTIONS[i].1;
        i += 1;
    }
    let mut t = 0;
    while t < TUNED.len() {
        values[TUNED[t].0 as usize] = TUNED[t].1;
        t += 1;
    }
    values
};

/// Whether one `NAME=value` entry of the environment is a mimalloc setting: `MIMALLOC_` in any
/// case, as mimalloc matches.
///
/// # Safety
/// `var` points to a NUL-terminated string.
pub unsafe fn names_mimalloc(var: *const u8) -> bool {
    const PREFIX: &[u8] = b"MIMALLOC_";
    let mut i = 0;
    // Stops at the first mismatch, so never reads past the string's NUL.
    // SAFETY: every byte read is at or before the NUL (the caller's promise).
    while i < PREFIX.len() && unsafe { *var.add(i) }.to_ascii_uppercase() == PREFIX[i] {
        i += 1;
    }
    i == PREFIX.len()
}

/// Whether the environment holds a `MIMALLOC_*` variable.
fn environment_tunes_mimalloc() -> bool {
    extern "C" {
        static environ: *const *const std::ffi::c_char;
    }
    // SAFETY: runs in a constructor, before any thread exists that could change the
    // environment; `environ` is a NULL-terminated array of NUL-terminated strings.
    unsafe {
        let mut var = environ;
        if var.is_null() {
            return false;
        }
        while !(*var).is_null() {
            if names_mimalloc(*var as *const u8) {
                return true;
            }
            var = var.add(1);
        }
    }
    false
}

/// The options the constructor sets, as `(mi_option_t index, value)`: all of them, unless the
/// environment tunes mimalloc, then only our departures (mimalloc reads the rest from it).
pub fn options_to_set(environment_tunes: bool) -> impl Iterator<Item = (usize, c_long)> {
    CONFIGURED
        .iter()
        .enumerate()
        .filter(move |&(index, value)| !environment_tunes || *value != OPTIONS[index].1)
        .map(|(index, value)| (index, *value))
}

/// Called from the constructor [`tuned_allocator!`] installs.
pub extern "C" fn configure_mimalloc() {
    for (index, value) in options_to_set(environment_tunes_mimalloc()) {
        // SAFETY: sets a process-wide option before mimalloc initialises (nothing else runs
        // yet); an option set this way is marked initialised and never read from the
        // environment. `index` < 47 fits `mi_option_t` (c_int).
        unsafe { libmimalloc_sys::mi_option_set(index as mi_option_t, value) };
    }
}

/// Hands memory mimalloc holds free back to the OS at once. Called after a rare huge event's
/// buffers were dropped: without it, mimalloc keeps those pages for reuse and the process stays
/// at its peak (docs/design.md, "Size first, memory given back").
pub fn return_free_memory() {
    // SAFETY: mi_collect only walks mimalloc's own free lists; `force` purges them now.
    unsafe { libmimalloc_sys::mi_collect(true) };
}

/// Declares mimalloc as the global allocator, configured by a priority-99 constructor.
#[macro_export]
macro_rules! tuned_allocator {
    () => {
        #[global_allocator]
        static GLOBAL: $crate::function::allocator::MiMalloc =
            $crate::function::allocator::MiMalloc;

        #[used]
        #[link_section = ".init_array.00099"]
        static CONFIGURE_MIMALLOC: extern "C" fn() =
            $crate::function::allocator::configure_mimalloc;
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// mimalloc's own starting values, read in this test process where nothing set them
    /// (`cargo test` does not install the constructor) and no `MIMALLOC_*` variable is set.
    #[test]
    fn options_match_what_mimalloc_starts_from() {
        assert!(
            !environment_tunes_mimalloc(),
            "run the tests without MIMALLOC_* variables"
        );
        for (index, (name, default)) in OPTIONS.iter().enumerate() {
            let option = mi_option_t::try_from(index).unwrap();
            // SAFETY: reads (and lazily initialises) one option.
            let actual = unsafe { libmimalloc_sys::mi_option_get(option) };
            assert_eq!(actual, *default, "mimalloc option {index} ({name})");
        }
        // One past the table is no option: mimalloc answers 0 for out-of-range indices, and a
        // 48th option with a non-zero default would show here.
        let beyond = mi_option_t::try_from(OPTIONS.len()).unwrap();
        // SAFETY: out-of-range options are checked by mimalloc and read as 0.
        assert_eq!(unsafe { libmimalloc_sys::mi_option_get(beyond) }, 0);
    }

    #[test]
    fn mimalloc_variables_are_told_by_their_prefix_in_any_case() {
        let names = |var: &std::ffi::CStr| unsafe { names_mimalloc(var.as_ptr().cast()) };
        for yes in [
            c"MIMALLOC_VERBOSE=1",
            c"mimalloc_purge_delay=5",
            c"MiMalloc_=",
            c"MIMALLOC_",
        ] {
            assert!(names(yes), "{yes:?}");
        }
        for no in [
            c"MIMALLOC",
            c"MIMALLOCX_A=1",
            c"XMIMALLOC_A=1",
            c"PATH=/bin",
            c"",
            c"M",
        ] {
            assert!(!names(no), "{no:?}");
        }
    }

    #[test]
    fn every_option_is_set_unless_the_environment_tunes_mimalloc() {
        let all: Vec<_> = options_to_set(false).collect();
        let expected: Vec<_> = CONFIGURED.iter().copied().enumerate().collect();
        assert_eq!(all, expected);
        let ours: Vec<_> = options_to_set(true).collect();
        let mut tuned: Vec<_> = TUNED.iter().map(|&(o, v)| (o as usize, v)).collect();
        tuned.sort_unstable();
        assert_eq!(ours, tuned);
    }

    #[test]
    fn tuned_options_are_named_and_differ_from_the_defaults() {
        let name = |option: mi_option_t| OPTIONS[option as usize].0;
        assert_eq!(name(ARENA_EAGER_COMMIT), "arena_eager_commit");
        assert_eq!(name(DESTROY_ON_EXIT), "destroy_on_exit");
        assert_eq!(name(ALLOW_THP), "allow_thp");
        for (option, value) in TUNED {
            let index = option as usize;
            assert_ne!(
                OPTIONS[index].1,
                value,
                "{} is tuned to its default",
                name(option)
            );
            assert_eq!(CONFIGURED[index], value);
        }
        let tuned = |index: usize| TUNED.iter().any(|(o, _)| *o as usize == index);
        for (index, (name, default)) in OPTIONS.iter().enumerate() {
            if !tuned(index) {
                assert_eq!(CONFIGURED[index], *default, "{name} keeps its default");
            }
        }
    }
}
