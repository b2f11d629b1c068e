import SluiceCore
import Testing

@Suite("auth.require")
struct AuthRequireTests {
    @Test(arguments: [
        ("valid-user", AuthUserRequirement.validUser),
        ("user=alice", .users(["alice"])),
        ("user=alice|user=bob", .users(["alice", "bob"])),
        ("user=a=b", .users(["a=b"])),
        ("user=\u{E9}mile", .users(["\u{E9}mile"])),
    ])
    func requireParses(text: String, expected: AuthUserRequirement) throws {
        #expect(try AuthUserRequirement(parsing: text) == expected)
    }

    /// Each error names its message and the byte offset in the string where the problem starts.
    @Test(arguments: [
        ("", 0, "\"require\" is empty; expected \"valid-user\" or \"user=NAME|user=NAME\""),
        ("user=", 0, "\"user=\" needs a name in \"require\"; expected \"valid-user\" or \"user=NAME|user=NAME\""),
        ("user=a|", 7, "empty rule between '|' in \"require\"; expected \"valid-user\" or \"user=NAME|user=NAME\""),
        (
            "user=a||user=b", 7,
            "empty rule between '|' in \"require\"; expected \"valid-user\" or \"user=NAME|user=NAME\""
        ),
        ("user=a| user=b", 7, "unexpected space in \"require\"; expected \"valid-user\" or \"user=NAME|user=NAME\""),
        ("group=staff", 0, "\"group=\" is not supported in \"require\" (only users: \"user=NAME\")"),
        ("user=a|group=staff", 7, "\"group=\" is not supported in \"require\" (only users: \"user=NAME\")"),
        ("host=example.org", 0, "\"host=\" is not supported in \"require\" (only users: \"user=NAME\")"),
        ("valid-user|user=a", 0, "\"valid-user\" cannot be combined with other rules in \"require\""),
        ("user=a|valid-user", 7, "\"valid-user\" cannot be combined with other rules in \"require\""),
        ("users=a", 0, "unknown rule \"users=a\" in \"require\"; expected \"valid-user\" or \"user=NAME|user=NAME\""),
        ("alice", 0, "unknown rule \"alice\" in \"require\"; expected \"valid-user\" or \"user=NAME|user=NAME\""),
        (
            "Valid-User", 0,
            "unknown rule \"Valid-User\" in \"require\"; expected \"valid-user\" or \"user=NAME|user=NAME\""
        ),
    ])
    func requireErrors(text: String, offset: Int, message: String) {
        #expect {
            try AuthUserRequirement(parsing: text)
        } throws: { error in
            guard let error = error as? AuthConfigError else { return false }
            return error.message == message && error.position == .optionValue("require", offset: offset)
        }
    }

    @Test func permitsComparesBytes() throws {
        let requirement = try AuthUserRequirement(parsing: "user=\u{E9}mile|user=bob")
        #expect(requirement.permits(user: "\u{E9}mile"))
        #expect(!requirement.permits(user: "e\u{301}mile"))
        #expect(!requirement.permits(user: "Bob"))
        #expect(AuthUserRequirement.validUser.permits(user: "anyone"))
    }

    @Test func ruleFromOptions() throws {
        let rule = try AuthRequireRule(
            pathPrefix: "/static/private",
            options: [("method", "basic"), ("realm", "Private"), ("require", "user=a|user=b")]
        )
        #expect(rule.pathPrefix == "/static/private")
        #expect(rule.realm == "Private")
        #expect(rule.requirement == .users(["a", "b"]))
    }

    @Test(
        arguments: [
            (
                [("method", "digest"), ("realm", "r"), ("require", "valid-user")],
                "method \"digest\" is not supported; use \"basic\"",
                AuthConfigError.Position.optionValue("method", offset: 0)
            ),
            (
                [("method", "extern"), ("realm", "r"), ("require", "valid-user")],
                "method \"extern\" is not supported; use \"basic\"", .optionValue("method", offset: 0)
            ),
            (
                [("method", "Basic"), ("realm", "r"), ("require", "valid-user")],
                "unknown method \"Basic\"; use \"basic\"", .optionValue("method", offset: 0)
            ),
            ([("realm", "r"), ("require", "valid-user")], "auth.require entry has no \"method\"", .requirePath),
            ([("method", "basic"), ("require", "valid-user")], "auth.require entry has no \"realm\"", .requirePath),
            ([("method", "basic"), ("realm", "r")], "auth.require entry has no \"require\"", .requirePath),
            (
                [("method", "basic"), ("realm", "r"), ("require", "valid-user"), ("realm", "s")],
                "auth.require option \"realm\" is given twice", .optionKey("realm")
            ),
            (
                [("method", "basic"), ("realm", "r"), ("require", "valid-user"), ("algorithm", "SHA-256")],
                "auth.require option \"algorithm\" belongs to method \"digest\", which is not supported",
                .optionKey("algorithm")
            ),
            (
                [("method", "basic"), ("realm", "r"), ("require", "valid-user"), ("reqiure", "x")],
                "unknown auth.require option \"reqiure\" (expected \"method\", \"realm\" or \"require\")",
                .optionKey("reqiure")
            ),
            (
                [("method", "basic"), ("realm", "a\r\nSet-Cookie: x"), ("require", "valid-user")],
                "realm must not contain control characters (it is sent in the WWW-Authenticate header)",
                .optionValue("realm", offset: 1)
            ),
            (
                [("method", "basic"), ("realm", "r"), ("require", "group=g")],
                "\"group=\" is not supported in \"require\" (only users: \"user=NAME\")",
                .optionValue("require", offset: 0)
            ),
        ] as [([(key: String, value: String)], String, AuthConfigError.Position)])
    func ruleErrors(options: [(key: String, value: String)], message: String, position: AuthConfigError.Position) {
        #expect {
            try AuthRequireRule(pathPrefix: "/p", options: options)
        } throws: { error in
            (error as? AuthConfigError)?.message == message && (error as? AuthConfigError)?.position == position
        }
    }

    @Test func backendNames() throws {
        #expect(try AuthBackend(configValue: "htpasswd") == .htpasswd)
        #expect(try AuthBackend(configValue: "plain") == .plain)
        #expect(AuthBackend.htpasswd.userFileKey == "auth.backend.htpasswd.userfile")
        #expect(AuthBackend.plain.userFileKey == "auth.backend.plain.userfile")
        #expect(throws: AuthConfigError.self) { try AuthBackend(configValue: "htdigest") }
        do {
            _ = try AuthBackend(configValue: "ldap")
            Issue.record("ldap should be refused")
        } catch {
            #expect(error.message == "auth.backend \"ldap\" is not supported; use \"htpasswd\" or \"plain\"")
            #expect(error.position == .value)
        }
    }
}
