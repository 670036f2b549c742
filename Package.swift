// swift-tools-version:6.1
import PackageDescription

// No package dependencies: only what the toolchain ships.
// Swift 6 language mode gives complete strict-concurrency checking.
let package = Package(
    name: "Pool",
    products: [
        .library(name: "Pool", targets: ["Pool"]),
        .executable(name: "stress", targets: ["Stress"]),
        .executable(name: "bench", targets: ["Bench"]),
    ],
    traits: [
        // Controlled schedule exploration (docs/EXPLORATION.md): every atomic operation, futex
        // call and spin check of the pool becomes a scheduling point. Off by default; a
        // production build has none of it. Build with `--traits Exploration` in its own
        // scratch path (`--scratch-path .build-explore`).
        .trait(name: "Exploration", description: "Schedule exploration hooks in the pool (never for production)"),
    ],
    targets: [
        // futex, affinity, thread id, pause hint, optimisation barrier: calls Swift cannot make itself.
        .target(name: "CPoolSupport"),
        // The package's own helpers: a named pthread with a timed join, a checked mutex, the
        // seedable generator, the thread census. Internal to the package (`package` access),
        // not a product.
        .target(name: "PoolSupport", dependencies: ["CPoolSupport"]),
        // The pool: schedulers, reducer, spin waits, probes. Nothing else links into it.
        .target(name: "Pool", dependencies: ["CPoolSupport", "PoolSupport"]),
        // Deliberately broken schedulers and reducers that the harness must catch. Never linked into Pool.
        .target(name: "Canaries", dependencies: ["Pool", "CPoolSupport"]),
        // The stress driver as a library, so that tests can check its plan and command line.
        .target(name: "StressKit", dependencies: ["Pool", "Canaries", "CPoolSupport", "PoolSupport"]),
        .executableTarget(name: "Stress", dependencies: ["StressKit"]),
        .executableTarget(name: "Bench", dependencies: ["Pool", "CPoolSupport", "PoolSupport"]),
        // What the test suites share: arguments, bounded waits, hang guards, detectors' verdicts,
        // recording probes, test threads. A regular target (it links Testing for exit-test
        // helpers and test descriptions), so that each suite depends on it instead of a copy.
        .target(name: "TestSupport", dependencies: ["Pool", "CPoolSupport", "PoolSupport"], path: "Tests/TestSupport"),
        .testTarget(name: "PropertyTests", dependencies: ["Pool", "Canaries", "CPoolSupport", "PoolSupport", "TestSupport"]),
        .testTarget(name: "PanicTests", dependencies: ["Pool", "CPoolSupport", "PoolSupport", "TestSupport"]),
        .testTarget(name: "StressTests", dependencies: ["StressKit", "Canaries", "Pool", "PoolSupport"]),
        // `stress --explore`'s own suites: they need the Exploration trait, and are empty
        // without it. Run them with
        // `swift test --traits Exploration --scratch-path .build-explore --filter ExplorationTests`.
        .testTarget(name: "ExplorationTests", dependencies: ["StressKit", "Canaries", "Pool", "PoolSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
