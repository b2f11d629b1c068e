/// Prints a loaded config back in lighttpd syntax, as understood: includes expanded, variables and `+=`
/// resolved, one block per condition (`sluice -p`).
public enum ConfigPrinter {
    public static func print(_ config: LoadedConfig) -> String {
        var out = "# sluice -p: the configuration as understood\n"
        for file in config.files { out += "# read \(file)\n" }
        out += "\n"
        var children: [Int: [Int]] = [:]
        var nextBranch: [Int: Int] = [:]
        for block in config.blocks.dropFirst() {
            if let previous = block.previousBranch {
                nextBranch[previous] = block.index
            } else if let parent = block.parent {
                children[parent, default: []].append(block.index)
            }
        }
        write(block: config.blocks[0], indent: "", into: &out)
        writeChildren(of: 0, config: config, children: children, nextBranch: nextBranch, indent: "", into: &out)
        return out
    }

    private static func writeChildren(
        of parent: Int, config: LoadedConfig, children: [Int: [Int]], nextBranch: [Int: Int], indent: String,
        into out: inout String
    ) {
        for first in children[parent] ?? [] {
            var current: Int? = first
            var opener = "\n" + indent
            while let index = current {
                let block = config.blocks[index]
                if let condition = block.condition {
                    out += opener + "\(condition) {\n"
                } else {
                    out += opener + "{\n"
                }
                write(block: block, indent: indent + "  ", into: &out)
                writeChildren(
                    of: index, config: config, children: children, nextBranch: nextBranch, indent: indent + "  ",
                    into: &out)
                out += indent + "}"
                current = nextBranch[index]
                opener = " else "
            }
            out += "\n"
        }
    }

    private static func write(block: ConfigBlock, indent: String, into out: inout String) {
        for setting in block.orderedSettings where !setting.key.hasPrefix("var.") {
            out += indent + setting.key + " = " + format(setting.value, indent: indent) + "\n"
        }
    }

    static func format(_ value: ConfigValue, indent: String) -> String {
        switch value.kind {
        case .string(let s):
            return "\"" + escape(s) + "\""
        case .integer(let i):
            return String(i)
        case .array(let entries):
            if entries.isEmpty { return "( )" }
            let inner = indent + "  "
            let items = entries.map { entry -> String in
                let formatted = format(entry.value, indent: inner)
                guard let key = entry.key else { return inner + formatted }
                return inner + "\"" + escape(key) + "\" => " + formatted
            }
            return "(\n" + items.joined(separator: ",\n") + "\n" + indent + ")"
        }
    }

    /// Only `"` needs escaping in lighttpd strings (`\"`); every other byte stands for itself.
    public static func escape(_ s: String) -> String {
        guard s.contains("\"") else { return s }
        var out = ""
        for c in s {
            if c == "\"" { out += "\\" }
            out.append(c)
        }
        return out
    }
}
