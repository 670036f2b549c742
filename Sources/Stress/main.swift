import Glibc
import StressKit

// The `stress` command. Everything lives in StressKit (testable); top-level code here is
// @MainActor in Swift 6, so no thread entry point may be written in this file.
// The executable path lets the driver run as a supervised child of this process
// (StressSupervisor), so that a crash still ends with a report.
exit(StressDriver.main(arguments: Array(CommandLine.arguments.dropFirst()), executable: "/proc/self/exe"))
