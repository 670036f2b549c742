/// `stress --explore`: the entry point, in every build. An exploration build runs the
/// explorer (`ExplorationSession`, `ExplorationSelfTest`); any other build has no controller
/// compiled in, so it says how to build one and exits 64 (the command line asks for
/// something this binary cannot do).
public enum ExploreCommand {
    /// The command that builds and runs the exploration build, from the package's root.
    public static let buildCommand = "swift run -c release --traits Exploration --scratch-path .build-explore stress"

    /// `arguments`: the command line's words, to tell a flag given from a default.
    public static func run(options: StressOptions, arguments: [String]) -> Int32 {
        #if Exploration
        if options.selfTest { return ExplorationSelfTest(options: options, arguments: arguments).run() }
        return ExplorationSession(options: options).run(arguments: Set(arguments))
        #else
        ConsoleOutput.error("""
            stress: --explore needs an exploration build, and this one was built without it (a
            production build carries none of the controller's hooks). Build and run it with:

                \(buildCommand) --explore ...

            See docs/EXPLORATION.md.

            """)
        return StressExitCode.usage
        #endif
    }
}
