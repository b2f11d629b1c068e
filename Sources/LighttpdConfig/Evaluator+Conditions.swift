extension Evaluator {
    /// Adds one block per branch of an `if / else if / else` chain, each linked to the branch before it.
    mutating func evaluateConditional(_ branches: [ConditionalBranch], in parent: Int) {
        var previous: Int?
        var catchAll: SourceLocation?
        for branch in branches {
            if let catchAll {
                diagnostics.error(
                    "unreachable condition following the 'else' catch-all at \(catchAll)", at: branch.location)
            }
            var condition: ConfigCondition?
            if let syntax = branch.condition {
                // A condition that fails to evaluate (already reported) still gets its block, so the
                // settings inside it are checked too.
                condition = evaluateCondition(syntax, parent: parent)
            } else {
                catchAll = branch.location
            }
            // lighttpd keeps one context per condition: a lone block repeating an earlier block's test (in the
            // same enclosing block; vhost settings spread over include files) adds to that block, so `+=`
            // appends to it and `=` twice is the usual duplicate error.
            if branches.count == 1, let condition, let earlier = blocks.firstIndex(where: {
                $0.parent == parent && $0.previousBranch == nil && $0.condition.map { $0.sameTest(as: condition) } == true
            }) {
                evaluateBody(branch.body, in: earlier)
                return
            }
            let index = appendBlock(
                parent: parent, previousBranch: previous, condition: condition, location: branch.location)
            evaluateBody(branch.body, in: index)
            previous = index
        }
    }

    /// Evaluates `$KIND["subscript"] OP value`; nil (after a diagnostic) when it is not a valid condition.
    mutating func evaluateCondition(_ syntax: ConditionSyntax, parent: Int) -> ConfigCondition? {
        guard let subscriptName = evaluateString(syntax.subscriptValue, what: "the field name in [...]"),
            let value = evaluateString(syntax.value, what: "the compared value")
        else { return nil }
        let field: ConditionField
        switch syntax.kind {
        case "HTTP":
            guard let known = ConditionField.httpFields[subscriptName.lowercased()] else {
                let names = ConditionField.httpFields.keys.sorted()
                diagnostics.error(
                    "unknown field $HTTP[\"\(subscriptName)\"]", at: syntax.subscriptValue.location,
                    fix: DidYouMean.best(for: subscriptName, among: names).map { "did you mean \"\($0)\"?" }
                        ?? "known fields: \(names.joined(separator: ", "))")
                return nil
            }
            field = known
        case "REQUEST_HEADER":
            guard !subscriptName.isEmpty, subscriptName.utf8.allSatisfy(HTTPToken.isTokenByte) else {
                diagnostics.error(
                    "\"\(subscriptName)\" is not a valid header name", at: syntax.subscriptValue.location)
                return nil
            }
            field = .requestHeader(subscriptName)
        case "SERVER":
            guard subscriptName == "socket" else {
                diagnostics.error(
                    "unknown field $SERVER[\"\(subscriptName)\"]", at: syntax.subscriptValue.location,
                    fix: "the only $SERVER field is \"socket\"")
                return nil
            }
            guard syntax.op == .equal else {
                diagnostics.error(
                    "$SERVER[\"socket\"] only supports '=='", at: syntax.opLocation,
                    fix: "write $SERVER[\"socket\"] == \"\(value)\"")
                return nil
            }
            guard parent == 0 else {
                diagnostics.error(
                    "$SERVER[\"socket\"] blocks must be at the top level, not inside another condition",
                    at: syntax.location)
                return nil
            }
            field = .serverSocket
        case "PHYSICAL":
            switch subscriptName {
            case "path", "existing-path":
                // Sluice maps a request to a file after its conditions are decided, so a $PHYSICAL condition
                // could never match: refused rather than accepted and always false.
                diagnostics.error(
                    "conditions on $PHYSICAL[\"\(subscriptName)\"] are not supported", at: syntax.kindLocation,
                    fix: "condition on $HTTP[\"url\"] instead (the document root and alias.url map it to the file)")
                return nil
            default:
                diagnostics.error(
                    "unknown field $PHYSICAL[\"\(subscriptName)\"]", at: syntax.subscriptValue.location,
                    fix: "use \"path\" or \"existing-path\"")
                return nil
            }
        default:
            let kinds = ["HTTP", "REQUEST_HEADER", "SERVER", "PHYSICAL"]
            diagnostics.error(
                "unknown condition $\(syntax.kind)", at: syntax.kindLocation,
                fix: DidYouMean.best(for: syntax.kind, among: kinds).map { "did you mean $\($0)?" }
                    ?? "use $HTTP, $REQUEST_HEADER, $SERVER or $PHYSICAL")
            return nil
        }
        if field == .remoteIP, value.contains("/"), syntax.op != .equal, syntax.op != .notEqual {
            diagnostics.error(
                "a CIDR mask (\"\(value)\") is only allowed with '==' and '!='", at: syntax.opLocation)
            return nil
        }
        return ConfigCondition(
            field: field, op: syntax.op, value: value, location: syntax.location,
            valueLocation: syntax.value.location)
    }
}
