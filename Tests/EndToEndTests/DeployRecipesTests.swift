import Foundation
import RegionKitTestSupport
import Testing

/// The recipes in `Docs/deploy/`, checked as far as this machine allows: each parses, and the
/// regionkit command each one runs is run here against a small dataset with the scheduler's
/// variables set, for two shards, and merged.
@Suite(.tags(.slow)) struct DeployRecipesTests {
  let deploy = Fixtures.packageRoot.appendingPathComponent("Docs/deploy")

  /// Runs `arguments` (a recipe's regionkit command) as shards 0 and 1 and merges the output.
  func runAsTwoShards(
    _ arguments: [String], outdir: URL, environment: (Int) -> [String: String]
  ) throws {
    for index in 0..<2 {
      let result = try runRegionKit(arguments, environment: environment(index))
      #expect(result.exitCode == 0, "shard \(index): \(result.stderr)")
    }
    let merge = try runRegionKit(["merge", outdir.path])
    #expect(
      merge.exitCode == 0 && merge.stdout.contains("5 of 5 images from 2 shards"),
      "\(merge.stdout)\(merge.stderr)")
    #expect(
      FileManager.default.fileExists(atPath: outdir.appendingPathComponent("proposals.npz").path))
  }

  /// Whether python3 with PyYAML is installed (it parses the Kubernetes manifest).
  static let hasPythonYAML: Bool = (try? python("import yaml", arguments: [])) != nil

  /// `python3 -c script` with `arguments`, its standard output, or `nil` when python3 or the
  /// modules the script imports are missing.
  static func python(_ script: String, arguments: [String]) throws -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return nil }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return process.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
  }

  @Test(
    .enabled(
      if: DeployRecipesTests.hasPythonYAML,
      "python3 with PyYAML is needed to parse Docs/deploy/kubernetes-indexed-job.yaml"))
  func kubernetesIndexedJobParsesAndItsCommandRunsPerIndex() throws {
    let manifest = deploy.appendingPathComponent("kubernetes-indexed-job.yaml")
    let script = """
      import json, sys, yaml
      print(json.dumps(yaml.safe_load(open(sys.argv[1]))))
      """
    let json = try #require(try Self.python(script, arguments: [manifest.path]))
    let job = try #require(
      try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    #expect(job["kind"] as? String == "Job" && job["apiVersion"] as? String == "batch/v1")
    let spec = try #require(job["spec"] as? [String: Any])
    #expect(spec["completionMode"] as? String == "Indexed")
    let completions = try #require(spec["completions"] as? Int)
    let pod = try #require((spec["template"] as? [String: Any])?["spec"] as? [String: Any])
    #expect(pod["restartPolicy"] as? String == "Never")
    let container = try #require((pod["containers"] as? [[String: Any]])?.first)
    #expect(container["command"] as? [String] == ["regionkit"])
    var arguments = try #require(container["args"] as? [String])
    let countIndex = try #require(arguments.firstIndex(of: "--shard-count"))
    #expect(arguments[countIndex + 1] == "\(completions)", "--shard-count must equal completions")
    // Run it here for two indices, with the paths mapped to a test folder.
    let dataset = try shardingTestDataset(count: 4)
    let outdir = try Fixtures.temporaryDirectory().appendingPathComponent("proposals")
    arguments[countIndex + 1] = "2"
    arguments =
      arguments.map {
        $0 == "/data/dataset" ? dataset.path : $0 == "/data/proposals" ? outdir.path : $0
      } + ["--top", "5"]
    try runAsTwoShards(arguments, outdir: outdir) { ["JOB_COMPLETION_INDEX": "\($0)"] }
  }

  @Test func slurmScriptIsValidBashAndRunsAsAnArrayTask() throws {
    let script = deploy.appendingPathComponent("slurm-array.sbatch")
    let check = Process()
    check.executableURL = URL(fileURLWithPath: "/bin/bash")
    check.arguments = ["-n", script.path]
    try check.run()
    check.waitUntilExit()
    #expect(check.terminationStatus == 0, "bash -n \(script.path)")
    let text = try String(contentsOf: script, encoding: .utf8)
    #expect(text.contains("#SBATCH --array=0-7"))

    let dataset = try shardingTestDataset(count: 4)
    let outdir = try Fixtures.temporaryDirectory().appendingPathComponent("proposals")
    for task in 1...2 {
      let run = Process()
      run.executableURL = URL(fileURLWithPath: "/bin/bash")
      run.arguments = [script.path]
      var environment = ProcessInfo.processInfo.environment
      environment.merge([
        "REGIONKIT": regionKitExecutable.path, "DATASET": dataset.path, "OUTDIR": outdir.path,
        "SLURM_ARRAY_TASK_ID": "\(task)", "SLURM_ARRAY_TASK_MIN": "1",
        "SLURM_ARRAY_TASK_COUNT": "2",
        "SLURM_CPUS_PER_TASK": "1",
      ]) { $1 }
      run.environment = environment
      run.standardOutput = FileHandle.nullDevice
      try run.run()
      run.waitUntilExit()
      #expect(run.terminationStatus == 0, "array task \(task)")
    }
    let merge = try runRegionKit(["merge", outdir.path])
    #expect(merge.stdout.contains("5 of 5 images from 2 shards"), "\(merge.stdout)\(merge.stderr)")
  }

  @Test func awsBatchJobDefinitionParsesAndItsCommandRunsPerArrayIndex() throws {
    let url = deploy.appendingPathComponent("aws-batch-job-definition.json")
    let definition = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    #expect(definition["type"] as? String == "container")
    let parameters = try #require(definition["parameters"] as? [String: String])
    let container = try #require(definition["containerProperties"] as? [String: Any])
    let command = try #require(container["command"] as? [String])
    #expect(command.first == "propose")
    // Every Ref:: reference has a default in "parameters".
    for reference in command where reference.hasPrefix("Ref::") {
      #expect(parameters[String(reference.dropFirst(5))] != nil, "\(reference) has no default")
    }
    let dataset = try shardingTestDataset(count: 4)
    let outdir = try Fixtures.temporaryDirectory().appendingPathComponent("proposals")
    let values = parameters.merging(["dataset": dataset.path, "outdir": outdir.path, "shards": "2"])
    { $1 }
    let arguments =
      command.map { $0.hasPrefix("Ref::") ? values[String($0.dropFirst(5))] ?? $0 : $0 } + [
        "--top", "5",
      ]
    try runAsTwoShards(arguments, outdir: outdir) { ["AWS_BATCH_JOB_ARRAY_INDEX": "\($0)"] }
  }

  @Test func dockerfileBuildsOnBookwormWithLibvipsAndOpenBLAS() throws {
    let text = try String(contentsOf: deploy.appendingPathComponent("Dockerfile"), encoding: .utf8)
    let instructions = Set([
      "FROM", "RUN", "COPY", "WORKDIR", "ARG", "ENV", "ENTRYPOINT", "CMD", "LABEL", "USER",
    ])
    var continued = false
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      defer { continued = trimmed.hasSuffix("\\") }
      if continued || trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
      let word = String(trimmed.prefix { !$0.isWhitespace })
      #expect(instructions.contains(word), "unknown Dockerfile instruction: \(line)")
    }
    #expect(text.contains("bookworm") && text.contains("debian:bookworm-slim"))
    #expect(text.contains("libvips-dev") && text.contains("libvips42"))
    #expect(text.contains("libopenblas-dev") && text.contains("libopenblas0"))
    #expect(text.contains("--product regionkit"))
  }
}
