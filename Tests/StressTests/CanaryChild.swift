import Glibc
import StressKit
import Testing

/// A child process that runs a canary (`--variant`), and ThreadSanitizer.
///
/// A canary is a pool broken on purpose, and some break it with a data race: `unmarked-stop`
/// leaves `isStopped` false, so the refusal job resets the spin-lock reducer while a worker
/// of the failed job is still merging. Under TSan that child writes a report which, in the
/// real pool's report folder, reads as a race in the real pool; and TSan's halt
/// (`halt_on_error=1`, exit 66) replaces the exit code the test expects. So a canary child
/// never reports with the real pool's options:
/// - a `stress` process started with `--variant` (`StressProcess.start`) gets options of its
///   own (`environment(for:folder:)`): reports under `$TSAN_CANARY_CHILD_REPORTS` (the folder
///   `scripts/tsan.sh` lists as "race in a canary child", never a finding) or else in the
///   test's temporary folder, no halt, and TSan's exit code 0, so that the child still ends
///   with the canary's own verdict;
/// - an exit test's child inherits this process's options, which cannot be changed for one
///   child, so an exit test that runs a canary does not run under TSan (`.runsCanary`).
/// `scripts/tsan.sh` proves its ordering canaries in a step of its own, where their reports
/// are the expected outcome.
enum CanaryChild {
    /// Under ThreadSanitizer (its runtime exports `__tsan_init`).
    static let underThreadSanitizer = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "__tsan_init") != nil

    /// The folder for canary children's TSan reports, set by `scripts/tsan.sh`.
    static let reportsFolderKey = "TSAN_CANARY_CHILD_REPORTS"

    /// The environment of a `stress` child with `arguments`: this process's, and for a canary
    /// under TSan, TSan options that keep its reports out of the real pool's (see above).
    /// Later TSan options win, so these go after the inherited ones.
    static func environment(for arguments: [String], folder: String) -> ChildEnvironment {
        let environment = ChildEnvironment()
        guard underThreadSanitizer, let index = arguments.firstIndex(of: "--variant"), index + 1 < arguments.count else {
            return environment
        }
        let reports = environment.value(of: reportsFolderKey) ?? folder
        mkdir(reports, 0o755)
        let options = (environment.value(of: "TSAN_OPTIONS") ?? "")
            + " halt_on_error=0 exitcode=0 log_path=\(reports)/\(arguments[index + 1])"
        return environment.replacing("TSAN_OPTIONS", with: options)
    }
}

extension Trait where Self == ConditionTrait {
    /// For an exit test whose child runs a canary: not under ThreadSanitizer (`CanaryChild`).
    static var runsCanary: Self {
        .disabled(if: CanaryChild.underThreadSanitizer,
                  "its child runs a canary, whose own race TSan would report as the real pool's (and halt with exit 66)")
    }
}
