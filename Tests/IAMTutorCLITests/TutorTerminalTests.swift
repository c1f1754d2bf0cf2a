import Foundation
import IAMTestSupport
import Testing

/// The real binary on a pseudo-terminal (libedit) and on a pipe, as a learner would use it.
@Suite(.serialized) struct TutorTerminalTests {
  /// Drives a program on a pty from a script of (wait-for, send) steps and prints the transcript.
  static let driver = #"""
    import os, pty, sys, time, select, json
    steps = json.loads(sys.argv[1]); argv = sys.argv[2:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(argv[0], argv)
    out = b""
    mark = 0
    def read_until(text, timeout=10):
        # Looks only at output after the last match, so a prompt seen before does not count again.
        global out, mark
        end = time.time() + timeout
        while time.time() < end:
            if text and text.encode() in out[mark:]:
                mark = out.index(text.encode(), mark) + len(text.encode())
                return True
            r, _, _ = select.select([fd], [], [], 0.1)
            if r:
                try: chunk = os.read(fd, 65536)
                except OSError: return text is None
                if not chunk: return text is None
                out += chunk
        return text is None
    for wait, send in steps:
        if wait is not None and not read_until(wait):
            sys.stdout.write("TIMEOUT waiting for %r\n" % wait); break
        if send is not None:
            os.write(fd, send.encode()); time.sleep(0.15)
    read_until(None, 2)
    for _ in range(50):
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done: break
        time.sleep(0.1)
    else:
        os.kill(pid, 9); os.waitpid(pid, 0)
        sys.stdout.write("\nKILLED: still running\n")
    sys.stdout.write(out.decode("utf-8", "replace"))
    """#

  func runOnTerminal(_ steps: [(String?, String?)], state: String) throws -> String {
    let script = FileManager.default.temporaryDirectory.appendingPathComponent("pty-driver-\(getpid()).py")
    try Self.driver.write(to: script, atomically: true, encoding: .utf8)
    let encoded = try JSONSerialization.data(withJSONObject: steps.map { [$0.0 as Any? ?? NSNull(), $0.1 as Any? ?? NSNull()] })
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script.path, String(decoding: encoded, as: UTF8.self), Fixtures.executable.path]
    var env = ProcessInfo.processInfo.environment
    env["IAM_TUTOR_STATE"] = state
    env["IAM_TUTOR_CONTENT"] = Fixtures.packageRoot().path
    env["TERM"] = "xterm"
    env["NO_COLOR"] = "1"
    env["HOME"] = state
    process.environment = env
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
  }

  @Test func typingCompletionMultiLineCancelAndHistory() throws {
    let state = FileManager.default.temporaryDirectory.appendingPathComponent("iam-tutor-pty-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: state) }
    let first = try runOnTerminal(
      [
        ("iam> ", "sta\t"),
        (nil, "ec2-role/tr\t"),
        (nil, "\r"),
        ("ec2-role/trust-policy> ", "{\"Version\": \"2012-10-17\",\r"),
        ("...> ", "\u{03}"),
        ("(entry cancelled)", "hint\r"),
        ("Hint 1 of", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\r"),
        ("...> ", "\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}\r"),
        ("Correct", "progress\r"),
        ("exercises solved", "\u{04}"),
      ], state: state)
    #expect(!first.contains("TIMEOUT"), "\(first)")
    // Only "sta" and "ec2-role/tr" were typed: Tab completed both the command and the id.
    #expect(first.contains("Exercise `ec2-role/trust-policy`"), "tab completed the command and the exercise id")
    #expect(first.contains("(entry cancelled)"))
    #expect(first.contains("Hint 1 of 3"))
    #expect(first.contains("✓ Correct!"))
    #expect(first.contains("Progress saved"))
    // History survives: the up arrow brings back the last line of the previous run.
    let second = try runOnTerminal([("ec2-role/trust-policy> ", "\u{1B}[A"), (nil, "\r"), ("exercises solved", "quit\r")], state: state)
    #expect(second.contains("Welcome back"), "\(second)")
    #expect(!second.contains("TIMEOUT"), "the up arrow recalled `progress` from the last run: \(second)")
    #expect(second.contains("1/"), "progress kept across runs")
  }

  @Test func pipedSessionHasNoPromptsOrEscapes() throws {
    let state = FileManager.default.temporaryDirectory.appendingPathComponent("iam-tutor-pipe-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: state) }
    let result = try BinaryRunner.run(
      [], stdin: "lessons\nstart ec2-role\nnext\n",
      environment: ["IAM_TUTOR_STATE": state, "IAM_TUTOR_CONTENT": Fixtures.packageRoot().path])
    #expect(result.status == 0)
    #expect(result.stdout.contains("ec2-role"))
    #expect(result.stdout.contains("Two policies, two questions"))
    #expect(!result.stdout.contains("iam> "), "no prompts on a pipe")
    #expect(!result.stdout.contains("\u{1B}["), "no escape codes on a pipe")
  }

  @Test func corruptProgressIsSetAsideNotLost() throws {
    let state = FileManager.default.temporaryDirectory.appendingPathComponent("iam-tutor-corrupt-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: state) }
    try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
    try "{ not json".write(toFile: state + "/progress.json", atomically: true, encoding: .utf8)
    let result = try BinaryRunner.run(
      ["progress"], stdin: "",
      environment: ["IAM_TUTOR_STATE": state, "IAM_TUTOR_CONTENT": Fixtures.packageRoot().path])
    #expect(result.stderr.contains("set aside"), "\(result.stderr)")
    let files = try FileManager.default.contentsOfDirectory(atPath: state)
    let aside = try #require(files.first { $0.hasPrefix("progress.json.corrupt-") })
    #expect(try String(contentsOfFile: state + "/" + aside, encoding: .utf8) == "{ not json")
  }
}
