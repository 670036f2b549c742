struct SpinSweep {
    let options: BenchOptions
    func run() throws(BenchFailure) {}
}
