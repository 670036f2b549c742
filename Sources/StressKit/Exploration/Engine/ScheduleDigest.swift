#if Exploration
/// FNV-1a over the schedules an exploration ran: each one's scenario text, schedule text and
/// decision count. Equal digests for the same seed and options are the determinism check.
struct ScheduleDigest {
    private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    mutating func mix(_ text: String) {
        for byte in text.utf8 { value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        value = (value ^ 0xFF) &* 0x0000_0100_0000_01B3
    }

    mutating func mix(_ result: ScheduleResult) {
        mix(result.episode?.scenarioText ?? "custom")
        mix(result.schedule.text)
        mix(String(result.decisions))
    }
}
#endif
