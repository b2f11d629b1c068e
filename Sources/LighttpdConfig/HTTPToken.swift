/// `tchar` of RFC 9110 §5.6.2 (ALPHA, DIGIT and ``!#$%&'*+-.^_`|~``): header names, methods, module and
/// config checks. One definition for the config layer, the compile step and the request decoder.
public enum HTTPToken {
    @inlinable @inline(__always)
    public static func isTokenByte(_ byte: UInt8) -> Bool {
        if byte < 64 { return (0x03ff_6cfa_0000_0000 as UInt64) >> byte & 1 == 1 }
        if byte < 128 { return (0x57ff_ffff_c7ff_fffe as UInt64) >> (byte &- 64) & 1 == 1 }
        return false
    }
}
