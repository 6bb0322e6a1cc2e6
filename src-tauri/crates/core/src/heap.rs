//! How a long-running process (the user's gateway, a client's stdio entry) asks glibc's
//! malloc to hand memory back. With its defaults, each burst of work on new threads (the
//! reconciler's sync while a portal serves calls) leaves another arena or a raised mmap
//! threshold holding freed memory: measured, the gateway's anonymous memory rose from 3 to
//! 17 MiB in 8 minutes of calls with a sync every 30 s, while heaptrack counted under 4 MiB
//! live. Two arenas and large blocks in their own mappings kept it at 6 MiB (README,
//! "Release figures").

/// Arenas: one for the runtime's threads to share besides the main one. Tokio's workers
/// are few and malloc's lock is short; more arenas only hold more freed memory.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const ARENAS: libc::c_int = 2;
/// Blocks from this size up get a mapping of their own, returned when freed. A fixed value
/// also stops glibc from raising the threshold after each large free (its default does,
/// up to 32 MiB, after which large blocks stay in the arenas).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: libc::c_int = 64 * 1024;

/// Sets malloc up for a process that runs for days. Settings the user gave through
/// glibc's own variables (`MALLOC_ARENA_MAX`, `MALLOC_MMAP_THRESHOLD_`) are left as given.
/// Call it first thing in `main`, before threads start.
pub fn bound_for_long_running() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let given = |name: &str| std::env::var_os(name).is_some();
        // SAFETY: mallopt only changes malloc's parameters; glibc takes its own lock.
        unsafe {
            if !given("MALLOC_ARENA_MAX") {
                libc::mallopt(libc::M_ARENA_MAX, ARENAS);
            }
            if !given("MALLOC_MMAP_THRESHOLD_") {
                libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
            }
        }
    }
}
