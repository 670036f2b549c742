#if Exploration
extension RunContext {
    /// The run context of an exploration, whose schedules the wall clock must never shape.
    ///
    /// A stress run ends its episodes for time in two ways (`mayContinue`): at its deadline,
    /// and when its phase ends, since the default profile alternates noisy and hot phases by
    /// the clock. Exploration runs one episode per schedule, a noisy-phase episode of its own
    /// scenario (`ExplorationScenario`), for as many schedules as its strategy asks; only the
    /// explorer watches the clock, between schedules. So the context has no deadline worth
    /// the name and one phase, noisy: an episode that ran into a hot window of the clock would
    /// otherwise stop before its first job, every such schedule would pass with no decision,
    /// and a hunt could spend its whole budget on empty schedules (which a loaded machine,
    /// whose hunts outlast the first 2 s noisy phase, made happen).
    static func exploring(options: StressOptions, seed: UInt64,
                          findingInterceptor: @escaping @Sendable (Verdict, String, Int, Int) -> Void) -> RunContext {
        var contextOptions = options
        contextOptions.seconds = 1e9
        contextOptions.profile = .noisy
        return RunContext(options: contextOptions, seed: seed, callerThreads: 1, findingInterceptor: findingInterceptor)
    }
}
#endif
