/// Turns statements into blocks of settings: runs `include` / `include_shell`, resolves `var.*`, `env.*` and
/// references to earlier settings, applies `=`, `+=` and `:=`, and evaluates conditions' fields and values.
///
/// lighttpd 1.4 semantics (`configparser.y`): `=` twice in one block is an error; `+=` on a key unset in the
/// current block starts from the nearest enclosing block's value; `:=` overwrites; a bare name means `var.name`.
struct Evaluator {
    private let environment: any ConfigEnvironment
    private(set) var blocks: [ConfigBlock]
    var diagnostics = ConfigDiagnostics()
    /// Every file read, in order, for `-p` and for reloads.
    private(set) var files: [String] = []
    private var fileStack: [String] = []

    /// `include` chains deeper than this are refused (they are almost certainly a loop).
    static let maximumIncludeDepth = 16

    init(environment: any ConfigEnvironment) {
        self.environment = environment
        var global = ConfigBlock(
            index: 0, parent: nil, previousBranch: nil, condition: nil, location: .builtIn, depth: 0)
        global.set(
            ConfigSetting(
                key: "var.CWD", value: ConfigValue(.string(environment.currentDirectory), at: .builtIn),
                location: .builtIn))
        global.set(
            ConfigSetting(
                key: "var.PID", value: ConfigValue(.integer(environment.processID), at: .builtIn),
                location: .builtIn))
        self.blocks = [global]
    }

    // MARK: Files

    mutating func evaluateText(_ text: String, file: String, in block: Int) {
        files.append(file)
        let (statements, syntaxDiagnostics) = Parser.parse(text: text, file: file)
        diagnostics.append(contentsOf: syntaxDiagnostics)
        fileStack.append(file)
        evaluateBody(statements, in: block)
        fileStack.removeLast()
    }

    /// The directory of the file being read: includes and include_shell are relative to it. The output of an
    /// include_shell has no directory of its own: it is the including file's.
    private var currentDirectory: String {
        guard let file = fileStack.last(where: { !$0.hasPrefix(Evaluator.shellOutputPrefix) }),
            let slash = file.lastIndex(of: "/")
        else {
            return environment.currentDirectory
        }
        return String(file[..<slash].isEmpty ? "/" : file[..<slash])
    }

    // MARK: Statements

    mutating func evaluateBody(_ statements: [Statement], in block: Int) {
        let enclosing = currentBlockForLookup
        defer { currentBlockForLookup = enclosing }
        for statement in statements {
            currentBlockForLookup = block
            switch statement {
            case .assignment(let assignment):
                assign(assignment, in: block)
            case .include(let expression, let location):
                include(expression, at: location, in: block)
            case .includeShell(let expression, let location):
                includeShell(expression, at: location, in: block)
            case .global(let body, let location):
                if block == 0 {
                    evaluateBody(body, in: 0)
                } else {
                    diagnostics.error("'global' blocks are only allowed outside conditions", at: location)
                }
            case .conditional(let branches):
                evaluateConditional(branches, in: block)
            }
        }
    }

    private mutating func include(_ expression: Expression, at location: SourceLocation, in block: Int) {
        guard let argument = evaluateString(expression, what: "include") else { return }
        let path = argument.hasPrefix("/") ? argument : currentDirectory + "/" + argument
        if path.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" }) {
            // A pattern matching nothing is not an error: conf.d/*.conf may well be empty.
            for match in environment.glob(path) {
                evaluateFile(match, includedFrom: location, in: block)
            }
        } else {
            evaluateFile(path, includedFrom: location, in: block)
        }
    }

    /// Reads and evaluates a file; `location` is the `include` that asked for it (nil for the main file).
    mutating func evaluateFile(_ path: String, includedFrom location: SourceLocation?, in block: Int = 0) {
        guard fileStack.count < Evaluator.maximumIncludeDepth else {
            diagnostics.error(
                "includes nested more than \(Evaluator.maximumIncludeDepth) deep (does a file include itself?)",
                at: location ?? .builtIn)
            return
        }
        switch environment.readFile(path) {
        case .failure(let error):
            if let location {
                diagnostics.error("include: \(error.message)", at: location)
            } else {
                diagnostics.error(error.message, at: SourceLocation(file: path, line: 0, column: 0))
            }
        case .success(let text):
            evaluateText(text, file: path, in: block)
        }
    }

    /// How the output of an include_shell is named in diagnostics (`include_shell "cmd":2:14: error: ...`).
    static let shellOutputPrefix = "include_shell "

    private mutating func includeShell(_ expression: Expression, at location: SourceLocation, in block: Int) {
        guard let command = evaluateString(expression, what: "include_shell") else { return }
        guard fileStack.count < Evaluator.maximumIncludeDepth else {
            diagnostics.error("includes nested more than \(Evaluator.maximumIncludeDepth) deep", at: location)
            return
        }
        switch environment.runShell(command, in: currentDirectory) {
        case .failure(let error):
            diagnostics.error("include_shell: \(error.message)", at: location)
        case .success(let output):
            evaluateText(output, file: Evaluator.shellOutputPrefix + "\"\(command)\"", in: block)
        }
    }

    /// Adds a conditional block after all existing ones (config order) and returns its index.
    mutating func appendBlock(
        parent: Int, previousBranch: Int?, condition: ConfigCondition?, location: SourceLocation
    ) -> Int {
        let index = blocks.count
        blocks.append(
            ConfigBlock(
                index: index, parent: parent, previousBranch: previousBranch, condition: condition,
                location: location, depth: blocks[parent].depth + 1))
        return index
    }

    // MARK: Assignments

    static func normalizedKey(_ name: String) -> String {
        name.contains(".") ? name : "var." + name
    }

    private mutating func assign(_ assignment: Assignment, in block: Int) {
        let key = Evaluator.normalizedKey(assignment.key)
        if key.hasPrefix("env.") {
            diagnostics.error(
                "environment variables cannot be assigned ('\(key)')", at: assignment.keyLocation,
                fix: "use a variable such as var.\(key.dropFirst(4)) instead")
            return
        }
        guard let value = evaluate(assignment.value) else { return }
        switch assignment.op {
        case .assign:
            if let existing = blocks[block][key], existing.location != .builtIn {
                diagnostics.error(
                    "'\(key)' is already set in this block (at \(existing.location))", at: assignment.keyLocation,
                    fix: "use '+=' to add to it or ':=' to replace it")
                return
            }
            blocks[block].set(ConfigSetting(key: key, value: value, location: assignment.keyLocation))
        case .force:
            blocks[block].set(ConfigSetting(key: key, value: value, location: assignment.keyLocation))
        case .append:
            var merged = value
            if let existing = lookup(key, from: block) {
                guard let result = merge(existing, value, at: assignment.keyLocation) else { return }
                merged = result
            }
            blocks[block].set(ConfigSetting(key: key, value: merged, location: assignment.keyLocation))
        }
    }

    /// The value of `key` in `block` or the nearest enclosing block that sets it.
    private func lookup(_ key: String, from block: Int) -> ConfigValue? {
        var current: Int? = block
        while let index = current {
            if let setting = blocks[index][key] { return setting.value }
            current = blocks[index].parent
        }
        return nil
    }

    /// Every variable visible from `block`, for did-you-mean suggestions.
    private func visibleKeys(from block: Int) -> [String] {
        var keys: [String] = []
        var current: Int? = block
        while let index = current {
            keys.append(contentsOf: blocks[index].order)
            current = blocks[index].parent
        }
        return keys
    }

    // MARK: Expressions

    private var currentBlockForLookup = 0

    mutating func evaluate(_ expression: Expression) -> ConfigValue? {
        switch expression {
        case .string(let s, let location):
            return ConfigValue(.string(s), at: location)
        case .integer(let i, let location):
            return ConfigValue(.integer(i), at: location)
        case .reference(let name, let location):
            return resolve(name, at: location)
        case .concat(let left, let right, let location):
            guard let l = evaluate(left), let r = evaluate(right) else { return nil }
            return merge(l, r, at: location)
        case .array(let elements, let location):
            var entries: [ConfigArrayEntry] = []
            var seenKeys: [String: SourceLocation] = [:]
            var failed = false
            for element in elements {
                guard let value = evaluate(element.value) else {
                    failed = true
                    continue
                }
                var key: String?
                if let keyExpression = element.key {
                    guard let k = evaluateString(keyExpression, what: "an array key") else {
                        failed = true
                        continue
                    }
                    if let first = seenKeys[k] {
                        diagnostics.error(
                            "duplicate key \"\(k)\" in array (first at \(first))", at: keyExpression.location)
                        failed = true
                        continue
                    }
                    seenKeys[k] = keyExpression.location
                    key = k
                }
                entries.append(ConfigArrayEntry(key: key, keyLocation: element.key?.location, value: value))
            }
            return failed ? nil : ConfigValue(.array(entries), at: location)
        }
    }

    private mutating func resolve(_ name: String, at location: SourceLocation) -> ConfigValue? {
        let key = Evaluator.normalizedKey(name)
        if key.hasPrefix("env.") {
            let variable = String(key.dropFirst(4))
            guard let value = environment.environmentVariable(variable) else {
                diagnostics.error("environment variable '\(variable)' is not set", at: location)
                return nil
            }
            return ConfigValue(.string(value), at: location)
        }
        if let value = lookup(key, from: currentBlockForLookup) {
            return ConfigValue(value.kind, at: location)
        }
        let suggestion = DidYouMean.best(for: key, among: visibleKeys(from: currentBlockForLookup))
        diagnostics.error(
            "'\(key)' is not defined before this point", at: location, fix: suggestion.map { "did you mean '\($0)'?" })
        return nil
    }

    mutating func evaluateString(_ expression: Expression, what: String) -> String? {
        guard let value = evaluate(expression) else { return nil }
        guard let string = value.string else {
            diagnostics.error("\(what) must be a string, not \(value.kindDescription)", at: expression.location)
            return nil
        }
        return string
    }

    /// `a + b` and `+=`: strings concatenate (a string absorbs an integer), integers add, arrays append.
    private mutating func merge(_ a: ConfigValue, _ b: ConfigValue, at location: SourceLocation) -> ConfigValue? {
        switch (a.kind, b.kind) {
        case (.string(let x), .string(let y)):
            return ConfigValue(.string(x + y), at: a.location)
        case (.string(let x), .integer(let y)):
            return ConfigValue(.string(x + String(y)), at: a.location)
        case (.integer(let x), .integer(let y)):
            let (sum, overflow) = x.addingReportingOverflow(y)
            guard !overflow, sum <= Lexer.maximumInteger, sum >= -Lexer.maximumInteger else {
                diagnostics.error("integer overflow in '+'", at: location)
                return nil
            }
            return ConfigValue(.integer(sum), at: a.location)
        case (.array(let x), .array(let y)):
            let existing = Set(x.compactMap(\.key))
            for entry in y {
                if let key = entry.key, existing.contains(key) {
                    diagnostics.error(
                        "duplicate key \"\(key)\" when appending to an array", at: entry.keyLocation ?? location)
                    return nil
                }
            }
            return ConfigValue(.array(x + y), at: a.location)
        case (.array, _):
            diagnostics.error(
                "cannot add \(b.kindDescription) to an array", at: location,
                fix: "wrap it in parentheses to append an element: ( ... )")
            return nil
        default:
            diagnostics.error("cannot add \(b.kindDescription) to \(a.kindDescription)", at: location)
            return nil
        }
    }
}
