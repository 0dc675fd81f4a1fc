import Foundation
import Logging
import RunwatchCore
import RunwatchStore

// The fleet's simulation steps. They run inside `tick()` with the state locked.
extension DemoFleet {
  func createRuns(_ state: inout State, now: Date, report: inout DemoFleetTickReport) {
    guard let targets = state.targets, !targets.isEmpty else { return }
    let types = lifecycle.policy.types.keys.sorted()
    guard !types.isEmpty else { return }
    let expected = settings.runsPerMinute * settings.tickInterval / 60
    var count = Int(expected)
    if state.rng.chance(expected - Double(count)) { count += 1 }
    for _ in 0..<count where state.jobs.count < settings.maximumActiveJobs {
      let target = state.rng.pick(targets)
      let type = state.rng.pick(types)
      let initiator =
        target.initiatorIDs.isEmpty || state.rng.chance(0.5) ? nil : state.rng.pick(target.initiatorIDs)
      var context = DemoContent.context(for: type, initiated: initiator != nil, rng: &state.rng)
      if case .object(var members) = context {
        members["simulated_by"] = "demo-fleet"
        context = .object(members)
      }
      let request = NewRun(
        workspaceID: target.workspaceID, tenantID: state.rng.pick(target.tenantIDs),
        initiatorUserID: initiator,
        type: type, context: context)
      do {
        let run = try lifecycle.create(request, by: Self.actor)
        report.created += 1
        let job = plan(run: run, now: now, rng: &state.rng)
        if job.fate == .abandonWhileQueued {
          report.abandoned += 1
        } else {
          state.jobs.append(job)
        }
      } catch {
        fail("create", error, report: &report)
      }
    }
  }

  /// Decides a new run's story with the type's windows: healthy runs start well inside the queued window and
  /// finish well inside the timeout, so only abandoned runs ever turn stale.
  func plan(run: OperationRun, now: Date, rng: inout SplitMix64) -> DemoFleetJob {
    let timing = DemoTypeTiming(lifecycle.policy.types[run.type])
    let startDelay = rng.double(in: 1...max(1, min(10, 0.3 * timing.queued)))
    let duration = rng.double(
      in: (0.4 * timing.expected)...max(
        0.4 * timing.expected, min(1.5 * timing.expected, 0.9 * timing.timeout)))
    let roll = rng.unit()
    let fate: DemoFleetJob.Fate
    var runFor = duration
    if roll < settings.abandonShare / 3 {
      fate = .abandonWhileQueued
    } else if roll < settings.abandonShare {
      fate = .abandonWhileRunning(comesBack: rng.chance(settings.lateReturnShare))
    } else if roll < settings.abandonShare + settings.queueFailureShare,
      lifecycle.policy.types[run.type]?.terminalTruthPath != .scheduledOnly
    {
      // Only types with a direct path have a failure callback that reports to Runwatch.
      let kind = rng.pick([QueueFailureReport.Kind.timeout, .maxAttempts, .exception])
      fate = .queueFailure(kind)
      // The queue gives up on a timed-out job once it overran its timeout, but before it would turn stale.
      if kind == .timeout { runFor = timing.timeout + 0.5 * (timing.running - timing.timeout) }
    } else {
      let outcomeRoll = rng.unit()
      fate = .complete(outcomeRoll < 0.8 ? .succeeded : outcomeRoll < 0.92 ? .partiallySucceeded : .failed)
    }
    let startAt = now.addingTimeInterval(startDelay)
    return DemoFleetJob(
      runID: run.id, type: run.type, total: DemoContent.itemTotal(for: run.type, rng: &rng), startAt: startAt,
      startedAt: nil, finishAt: startAt.addingTimeInterval(runFor), fate: fate)
  }

  func advanceJobs(_ state: inout State, now: Date, report: inout DemoFleetTickReport) {
    var remaining: [DemoFleetJob] = []
    for var job in state.jobs {
      do {
        if job.startedAt == nil {
          guard now >= job.startAt else {
            remaining.append(job)
            continue
          }
          let started = try lifecycle.start(runID: job.runID, by: Self.actor)
          guard started.isApplied else {
            if started.refusal?.reason == .alreadyTerminal { report.lateReports += 1 }
            continue
          }
          report.started += 1
          job.startedAt = now
          job.finishAt = now.addingTimeInterval(job.finishAt.timeIntervalSince(job.startAt))
          if case .abandonWhileRunning(let comesBack) = job.fate {
            report.abandoned += 1
            if comesBack { state.returns.append(lateReturn(for: job, startedAt: now)) }
            continue
          }
          remaining.append(job)
        } else if now >= job.finishAt {
          try finish(job, rng: &state.rng, report: &report)
        } else {
          let elapsed =
            now.timeIntervalSince(job.startedAt ?? now)
            / max(1, job.finishAt.timeIntervalSince(job.startedAt ?? now))
          let result = try lifecycle.heartbeat(
            runID: job.runID,
            summaryCounts: DemoContent.progress(total: job.total, fraction: min(0.95, elapsed)),
            by: Self.actor)
          if result.isApplied {
            report.heartbeats += 1
            remaining.append(job)
          } else if result.refusal?.reason == .alreadyTerminal {
            report.lateReports += 1
          }
        }
      } catch {
        fail("advance", error, report: &report)
      }
    }
    state.jobs = remaining
  }

  /// A dead worker that wakes up after the run's running window and a few reconcile intervals have passed.
  private func lateReturn(for job: DemoFleetJob, startedAt: Date) -> DemoFleetReturn {
    let timing = DemoTypeTiming(lifecycle.policy.types[job.type])
    let interval = Double(lifecycle.policy.reconcile.intervalSeconds)
    return DemoFleetReturn(
      runID: job.runID, total: job.total, at: startedAt.addingTimeInterval(timing.running + 3 * interval + 15)
    )
  }

  private func finish(_ job: DemoFleetJob, rng: inout SplitMix64, report: inout DemoFleetTickReport) throws {
    let result: TransitionResult
    switch job.fate {
    case .queueFailure(let kind):
      result = try lifecycle.bridgeQueueFailure(
        runID: job.runID, report: DemoContent.queueFailure(kind: kind, rng: &rng), by: Self.actor)
      if result.isApplied { report.bridged += 1 }
    case .complete(let outcome):
      result = try lifecycle.complete(
        runID: job.runID, outcome: outcome,
        summaryCounts: DemoContent.finalCounts(total: job.total, outcome: outcome, rng: &rng),
        failures: DemoContent.failures(for: job.type, outcome: outcome, rng: &rng), by: Self.actor)
      if result.isApplied { report.completed += 1 }
    case .abandonWhileQueued, .abandonWhileRunning:
      return
    }
    if result.refusal?.reason == .alreadyTerminal { report.lateReports += 1 }
  }

  func sendLateReturns(_ state: inout State, now: Date, report: inout DemoFleetTickReport) {
    var waiting: [DemoFleetReturn] = []
    for late in state.returns {
      guard now >= late.at else {
        waiting.append(late)
        continue
      }
      do {
        let result = try lifecycle.complete(
          runID: late.runID, outcome: .succeeded,
          summaryCounts: DemoContent.finalCounts(total: late.total, outcome: .succeeded, rng: &state.rng),
          by: Self.actor)
        if result.refusal?.reason == .alreadyTerminal { report.lateReports += 1 }
        if result.isApplied { report.completed += 1 }
      } catch {
        fail("late report", error, report: &report)
      }
    }
    state.returns = waiting
  }

  private func fail(_ step: String, _ error: any Error, report: inout DemoFleetTickReport) {
    report.errors += 1
    logger.error(
      "demo fleet step failed", metadata: ["demo_fleet.step": "\(step)", "demo_fleet.error": "\(error)"])
  }
}
