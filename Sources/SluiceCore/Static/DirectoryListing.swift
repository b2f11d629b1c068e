/// The HTML page of `dir-listing.activate` (lighttpd's mod_dirlisting, simplified: no README/HEADER
/// inclusion, no JavaScript).
///
/// - Directories first, then everything else, each group sorted by the bytes of the name (C locale, as
///   lighttpd's server-side sort; lighttpd also lists directories first).
/// - A `../` link to the parent, except at `/`.
/// - Columns: name (directories with a trailing `/`), last modified (UTC, `2024-Jan-02 03:04:05`),
///   size (`-` for directories, else `HumanSize`).
/// - Each link is the name percent-encoded (`PercentEncoding`), so it needs no HTML escaping and any
///   byte survives the round trip; each displayed name is HTML-escaped, with bytes that are not
///   UTF-8 and control characters shown as U+FFFD.
/// - `hideDotfiles` (`dir-listing.hide-dotfiles`, default on) leaves out names starting with `.`.
public enum DirectoryListing {
    public static func render(urlPath: RequestPath, entries: [DirectoryEntry], hideDotfiles: Bool) -> [UInt8] {
        let visible = entries.filter { entry in
            !(entry.name.isEmpty || entry.name == [0x2E] || entry.name == [0x2E, 0x2E])
                && !(hideDotfiles && entry.name.first == UInt8(ascii: "."))
        }
        let sorted = visible.sorted { left, right in
            let leftIsDirectory = left.status?.kind == .directory
            let rightIsDirectory = right.status?.kind == .directory
            if leftIsDirectory != rightIsDirectory { return leftIsDirectory }
            return left.name.lexicographicallyPrecedes(right.name)
        }

        var html = [UInt8]()
        html.reserveCapacity(1024 + sorted.count * 160)
        let title = Array("Index of ".utf8) + urlPath.bytes
        html.append(contentsOf: "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>".utf8)
        appendEscapedText(title, to: &html)
        html.append(contentsOf: "</title>\n<style>\n".utf8)
        html.append(contentsOf: style.utf8)
        html.append(contentsOf: "</style>\n</head>\n<body>\n<h1>".utf8)
        appendEscapedText(title, to: &html)
        html.append(contentsOf: "</h1>\n<table>\n<thead><tr><th>Name</th><th>Last Modified</th>".utf8)
        html.append(contentsOf: "<th>Size</th></tr></thead>\n<tbody>\n".utf8)
        if urlPath.bytes != [UInt8(ascii: "/")] {
            html.append(contentsOf: "<tr><td><a href=\"../\">../</a></td><td></td><td class=\"s\">-</td></tr>\n".utf8)
        }
        for entry in sorted {
            appendRow(entry, to: &html)
        }
        html.append(contentsOf: "</tbody>\n</table>\n</body>\n</html>\n".utf8)
        return html
    }

    private static func appendRow(_ entry: DirectoryEntry, to html: inout [UInt8]) {
        let isDirectory = entry.status?.kind == .directory
        html.append(contentsOf: "<tr><td><a href=\"".utf8)
        // Encoding ":" too keeps a name such as "a:b" a relative reference, not a scheme.
        PercentEncoding.appendSegment(entry.name, to: &html)
        if isDirectory { html.append(UInt8(ascii: "/")) }
        html.append(contentsOf: "\">".utf8)
        appendEscapedText(entry.name, to: &html)
        if isDirectory { html.append(UInt8(ascii: "/")) }
        html.append(contentsOf: "</a></td><td>".utf8)
        if let status = entry.status { appendListingDate(status.modificationSeconds, to: &html) }
        html.append(contentsOf: "</td><td class=\"s\">".utf8)
        if let status = entry.status, !isDirectory {
            html.append(contentsOf: HumanSize.format(status.size).utf8)
        } else {
            html.append(UInt8(ascii: "-"))
        }
        html.append(contentsOf: "</td></tr>\n".utf8)
    }

    /// `2024-Jan-02 03:04:05` (UTC).
    static func appendListingDate(_ unixSeconds: Int64, to html: inout [UInt8]) {
        let time = CivilTime(unixSeconds: unixSeconds)
        html.appendDecimal(time.year, width: 4)
        html.append(UInt8(ascii: "-"))
        html.append(contentsOf: CivilTime.monthNames[time.month - 1])
        html.append(UInt8(ascii: "-"))
        html.appendDecimal(time.day, width: 2)
        html.append(UInt8(ascii: " "))
        html.appendDecimal(time.hour, width: 2)
        html.append(UInt8(ascii: ":"))
        html.appendDecimal(time.minute, width: 2)
        html.append(UInt8(ascii: ":"))
        html.appendDecimal(time.second, width: 2)
    }

    /// HTML text escaping of `&<>"'`; ill-formed UTF-8 and control characters become U+FFFD.
    static func appendEscapedText(_ bytes: [UInt8], to html: inout [UInt8]) {
        let repaired = String(decoding: bytes, as: UTF8.self)
        for scalar in repaired.unicodeScalars {
            switch scalar {
            case "&": html.append(contentsOf: "&amp;".utf8)
            case "<": html.append(contentsOf: "&lt;".utf8)
            case ">": html.append(contentsOf: "&gt;".utf8)
            case "\"": html.append(contentsOf: "&quot;".utf8)
            case "'": html.append(contentsOf: "&#39;".utf8)
            default:
                let value = scalar.value
                if value < 0x20 || (value >= 0x7F && value < 0xA0) {
                    html.append(contentsOf: "\u{FFFD}".utf8)
                } else {
                    UTF8.encode(scalar) { html.append($0) }
                }
            }
        }
    }

    private static let style = """
        body{font-family:system-ui,sans-serif;margin:2em;color:#222;background:#fff}
        h1{font-size:1.3em;font-weight:600;word-break:break-all}
        table{border-collapse:collapse;min-width:40em}
        th,td{padding:.2em 1em .2em 0;text-align:left;white-space:nowrap}
        th{border-bottom:1px solid #ccc}
        td.s,th:last-child{text-align:right}
        a{text-decoration:none}a:hover{text-decoration:underline}

        """
}
