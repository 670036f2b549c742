import Testing

/// Every panic suite, one test at a time: the pools spin, and the machine has 2 cores.
@Suite(.serialized)
struct PanicTests {}
