/// Plain, non-atomic memory shared between test threads, at a stable address.
///
/// The tests rely on it being plain: each element is written by one thread and read by
/// another only after a release/acquire pair that the code under test (or the harness)
/// provides, so ThreadSanitizer reports any access that pair fails to order. A Swift
/// `Array` in a class would not do: two threads writing different elements both modify the
/// array itself, which is a race of its own (NOTES §5).
final class SharedBuffer<Element: BitwiseCopyable>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
    let count: Int

    init(count: Int, repeating value: Element) {
        self.count = count
        base = .allocate(capacity: max(count, 1))
        base.initialize(repeating: value, count: max(count, 1))
    }

    deinit { base.deallocate() }

    subscript(index: Int) -> Element {
        get {
            precondition(index >= 0 && index < count, "SharedBuffer: index \(index) is not in 0 ..< \(count)")
            return base[index]
        }
        set {
            precondition(index >= 0 && index < count, "SharedBuffer: index \(index) is not in 0 ..< \(count)")
            base[index] = newValue
        }
    }

    func fill(_ value: Element) {
        base.update(repeating: value, count: count)
    }
}
