/// A result handed from one thread to another through a join or a semaphore, which order
/// the write before the read; hence unchecked.
final class Outcome<Value>: @unchecked Sendable {
    var value: Value?
}
