//! The global allocator for the binaries: mimalloc, configured before anything allocates.
//!
//! mimalloc commits its first arena eagerly by default, and it does so before `main` runs (its
//! own constructor, or the first allocation of Rust's runtime), which more than doubled an idle
//! function's peak RSS (README, "Measured figures"). Setting the option from `main` is too
//! late, so [`tuned_allocator!`] also installs an ELF constructor with priority 99, which runs
//! before mimalloc's (default-priority) constructor and before Rust's runtime.

pub use mimalloc::MiMalloc;

/// `mi_option_arena_eager_commit` in mimalloc v3's `mi_option_t` (the -sys crate does not
/// export it); default 2 ("on where the OS overcommits"), 0 commits on demand.
pub const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;

/// Called from the constructor [`tuned_allocator!`] installs.
pub extern "C" fn configure_mimalloc() {
    // SAFETY: sets a process-wide option; mimalloc allows it before its own initialisation,
    // and an option set this way is not overridden by the environment later.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0) };
}

/// Hands memory mimalloc holds free back to the OS at once. Called after a rare huge event's
/// buffers were dropped: without it, mimalloc keeps those pages for reuse and the process stays
/// at its peak (README, "Measured figures").
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
