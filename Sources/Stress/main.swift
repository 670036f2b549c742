import Glibc
import StressKit

// The `stress` command. Everything lives in StressKit (testable); top-level code here is
// @MainActor in Swift 6, so no thread entry point may be written in this file.
exit(StressDriver.main(arguments: Array(CommandLine.arguments.dropFirst())))
