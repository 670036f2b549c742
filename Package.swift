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
        // The pool: schedulers, reducer, spin waits, probes. Nothing else links into it.
        .target(name: "Pool", dependencies: ["CPoolSupport"]),
        // Deliberately broken schedulers and reducers that the harness must catch. Never linked into Pool.
        .target(name: "Canaries", dependencies: ["Pool", "CPoolSupport"]),
        // The stress driver as a library, so that tests can check its plan and command line.
        .target(name: "StressKit", dependencies: ["Pool", "Canaries", "CPoolSupport"]),
        .executableTarget(name: "Stress", dependencies: ["StressKit"]),
        .executableTarget(name: "Bench", dependencies: ["Pool", "CPoolSupport"]),
        .testTarget(name: "PropertyTests", dependencies: ["Pool", "Canaries", "CPoolSupport"]),
        .testTarget(name: "PanicTests", dependencies: ["Pool", "CPoolSupport"]),
        .testTarget(name: "StressTests", dependencies: ["StressKit", "Canaries", "Pool"]),
    ],
    swiftLanguageModes: [.v6]
)
