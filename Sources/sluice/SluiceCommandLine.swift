import ArgumentParser
import Glibc
import LighttpdConfig
import SluiceCore

/// `sluice [-f FILE] [-t | -p] [-D]`, `sluice -v`, `sluice -h` (lighttpd's flags).
struct SluiceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice",
        abstract: "A lighttpd-style reverse proxy: rewrite, then proxy-core with a balancer.",
        discussion: """
            With no -f, uses etc/sluice.conf under the current directory if it exists, else a built-in default \
            (static files from the current directory on 127.0.0.1:8080).


            sluice explain -f FILE [--method M] [--host H] [--remote-ip IP] [--json] URL
              dry-runs one request through the stages and prints each decision (see `sluice explain -h`).
            """)

    @Option(name: .customShort("f"), help: ArgumentHelp("The config file.", valueName: "FILE"))
    var file: String?

    @Flag(name: .customShort("t"), help: "Check the config and exit: 0 and \"Syntax OK\", or 1 and the errors.")
    var test = false

    @Flag(name: .customShort("p"), help: "Print the config as understood (includes, variables and += resolved).")
    var print = false

    @Flag(name: .customShort("D"), help: "Stay in the foreground (always the case; accepted for lighttpd).")
    var foreground = false

    @Flag(name: [.customShort("v"), .customLong("version")], help: "Print the version.")
    var version = false

    func validate() throws {
        if test && print { throw ValidationError("-t and -p cannot be used together") }
    }
}

/// Parses arguments and runs; returns the process exit code.
enum SluiceCommandLine {
    static func run(_ arguments: [String]) async -> Int32 {
        if arguments.first == "explain" {
            // A command of its own (not an ArgumentParser subcommand), so its -f is its own.
            do {
                return try ExplainCommand.parse(Array(arguments.dropFirst())).runExplain()
            } catch {
                return usageFailure(error, ExplainCommand.self)
            }
        }
        let command: SluiceCommand
        do {
            command = try SluiceCommand.parse(arguments)
        } catch {
            return usageFailure(error, SluiceCommand.self)
        }
        if command.version {
            Swift.print("sluice \(SluiceVersion.string)")
            return 0
        }
        let source = ConfigSource.resolve(file: command.file)
        let checked = ConfigCheck.run(source)
        if !checked.diagnostics.isEmpty {
            for diagnostic in checked.diagnostics.sorted { writeError(diagnostic.description) }
            let count = checked.diagnostics.sorted.count
            writeError("\(count) error\(count == 1 ? "" : "s") in \(source.displayName)")
            return 1
        }
        if command.test {
            Swift.print("Syntax OK")
            return 0
        }
        if command.print {
            Swift.print(ConfigPrinter.print(checked.site.config), terminator: "")
            return 0
        }
        return await ServeMode.run(source: source, checked: checked)
    }

    /// Help and version requests exit 0; every other parse error is a usage error (exit 2).
    static func usageFailure(_ error: Error, _ command: any ParsableCommand.Type) -> Int32 {
        if command.exitCode(for: error) == .success {
            Swift.print(command.fullMessage(for: error))
            return 0
        }
        writeError(command.fullMessage(for: error))
        return 2
    }

    static func writeError(_ text: String) {
        var line = text + "\n"
        line.withUTF8 { bytes in
            var rest = UnsafeRawBufferPointer(bytes)
            while !rest.isEmpty {
                let n = Glibc.write(2, rest.baseAddress, rest.count)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                rest = UnsafeRawBufferPointer(rebasing: rest[n...])
            }
        }
    }
}
