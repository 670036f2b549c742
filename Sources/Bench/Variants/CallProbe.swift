import CPoolSupport
import Pool

/// The cheapest probe that is not nothing: every point makes one real, non-inlined call.
///
/// The bench runs it beside `NoProbe` in the same run: the ratio between the two pools is
/// what the probe points would cost if `NoProbe` did not compile away. The opaque asm
/// statement is a side effect, so LLVM can neither drop the call nor its body.
struct CallProbe: PoolProbe {
    @inline(never)
    func reach(_ point: ProbePoint, thread: Int, value: UInt64) throws(InjectedFailure) {
        _ = cpool_opaque(value)
    }
}
