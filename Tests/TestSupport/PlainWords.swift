/// Plain, non-atomic 64-bit words shared between test threads, at a stable address.
///
/// The tests rely on them being plain: each word is written by one thread and read by
/// another only after a release/acquire pair that the code under test (or the harness)
/// provides, so ThreadSanitizer reports any access that pair fails to order. Two choices
/// keep TSan able to see the accesses:
/// - not a Swift `Array` in a class: two threads writing different elements both modify
///   the array itself, a race of its own (docs/PLATFORM.md, "Witness memory");
/// - not generic: in a debug build, a generic `UnsafeMutablePointer<Element>` store runs
///   through the element type's value witness in the (uninstrumented) runtime, and TSan
///   misses it. Concrete UInt64 loads and stores are instrumented.
package final class PlainWords: @unchecked Sendable {
    package let base: UnsafeMutablePointer<UInt64>
    package let count: Int

    package init(count: Int, repeating value: UInt64 = 0) {
        self.count = count
        base = .allocate(capacity: max(count, 1))
        base.initialize(repeating: value, count: max(count, 1))
    }

    deinit { base.deallocate() }

    package subscript(index: Int) -> UInt64 {
        get {
            precondition(index >= 0 && index < count, "PlainWords: index \(index) is not in 0 ..< \(count)")
            return base[index]
        }
        set {
            precondition(index >= 0 && index < count, "PlainWords: index \(index) is not in 0 ..< \(count)")
            base[index] = newValue
        }
    }

    package func fill(_ value: UInt64) {
        for index in 0..<count { base[index] = value }
    }
}
