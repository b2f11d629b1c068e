/// The version printed by `sluice -v` and sent in the `Server` header.
public enum SluiceVersion {
    public static let string = "0.1.0"
    public static let serverHeader = "sluice/\(string)"
}
