/// File sizes for people, as directory listings show them: `512`, `1.2K`, `34K`, `3.4M` (binary
/// units, one decimal below 10, rounded to nearest).
public enum HumanSize {
    public static func format(_ bytes: Int64) -> String {
        guard bytes >= 1024 else { return String(max(bytes, 0)) }
        let units: [Character] = ["K", "M", "G", "T", "P", "E"]
        var unitIndex = 0
        var unit: Int64 = 1024
        while unitIndex + 1 < units.count && bytes / unit >= 1024 {
            unit *= 1024
            unitIndex += 1
        }
        // A Double is exact enough for one displayed decimal, and cannot overflow like bytes * 10.
        let value = Double(bytes) / Double(unit)
        let tenths = Int64((value * 10).rounded())
        if tenths < 100 {
            return "\(tenths / 10).\(tenths % 10)\(units[unitIndex])"
        }
        let whole = Int64(value.rounded())
        if whole >= 1024 && unitIndex + 1 < units.count {
            return "1.0\(units[unitIndex + 1])"
        }
        return "\(whole)\(units[unitIndex])"
    }
}
