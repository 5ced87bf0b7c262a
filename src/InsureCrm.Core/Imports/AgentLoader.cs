using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Imports;

/// <summary>
/// Agents, upserted by code. An unknown branch_code is created when the row carries branch_name (and
/// optionally sido, sigungu); otherwise the row is rejected.
/// </summary>
internal sealed class AgentLoader(ImportContext context) : IBatchLoader
{
    private readonly Dictionary<string, int> _seen = new(StringComparer.Ordinal);

    private sealed record Input(
        ImportRow Row, string Code, string Name, AgentKind Kind, string BranchCode, string? BranchName, string? Sido, string? Sigungu,
        DateOnly Hire, DateOnly? Termination, AgentStatus Status);

    public async Task<BatchOutcome> LoadAsync(IReadOnlyList<ImportRow> rows, CancellationToken ct)
    {
        var inputs = new List<Input>();
        foreach (var row in rows.Where(r => !r.HasErrors))
        {
            if (Parse(row) is { } input && ImportLookups.FirstInFile(_seen, row, "code", input.Code))
            {
                inputs.Add(input);
            }
        }
        await using var db = context.Database.CreateContext();
        await using var tx = await ImportLookups.BeginAsync(db, ct);
        var branchCodes = inputs.Select(i => i.BranchCode).Distinct().ToList();
        var branches = await db.Branches.Where(b => branchCodes.Contains(b.Code)).ToDictionaryAsync(b => b.Code, StringComparer.Ordinal, ct);
        var codes = inputs.Select(i => i.Code).ToList();
        var existing = await db.Agents.Where(a => codes.Contains(a.Code)).ToDictionaryAsync(a => a.Code, StringComparer.Ordinal, ct);
        foreach (var input in inputs.Where(i => !branches.ContainsKey(i.BranchCode)))
        {
            if (input.BranchName is null)
            {
                input.Row.Error("branch_code", "unknown branch code (give branch_name, sido and sigungu to create the branch)");
                continue;
            }
            branches[input.BranchCode] = db.Branches.Add(new Branch
            {
                Code = input.BranchCode, Name = input.BranchName, Sido = input.Sido ?? "", Sigungu = input.Sigungu ?? "",
            }).Entity;
        }
        // New branches need their ids before agents can point at them.
        await db.SaveChangesAsync(ct);
        var tally = new BatchTally(db);
        foreach (var input in inputs.Where(i => !i.Row.HasErrors))
        {
            var isNew = !existing.TryGetValue(input.Code, out var agent);
            agent ??= db.Agents.Add(new Agent { Code = input.Code }).Entity;
            agent.Name = input.Name;
            agent.Kind = input.Kind;
            agent.BranchId = branches[input.BranchCode].Id;
            agent.HireDate = input.Hire;
            agent.TerminationDate = input.Termination;
            agent.Status = input.Status;
            tally.Count(agent, isNew);
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return tally.Outcome;
    }

    private Input? Parse(ImportRow row)
    {
        var code = row.Text("code", 20, required: true);
        var name = row.Text("name", 100, required: true);
        var kind = row.Enum<AgentKind>("kind", required: true);
        var branch = row.Text("branch_code", 20, required: true);
        var branchName = row.Text("branch_name", 60);
        var sido = row.Text("sido", 20);
        var sigungu = row.Text("sigungu", 20);
        var horizon = ImportLookups.Horizon(context);
        var hire = row.Date("hire_date", required: true, latest: horizon);
        var termination = row.Date("termination_date", latest: horizon);
        var status = row.Enum<AgentStatus>("status", required: true);
        if (hire is { } h && termination is { } t && t < h)
        {
            row.Error("termination_date", "must not be before hire_date");
        }
        if (status == AgentStatus.Terminated && termination is null && !row.HasErrors)
        {
            row.Error("termination_date", "required when status is Terminated");
        }
        return row.HasErrors ? null : new Input(row, code!, name!, kind!.Value, branch!, branchName, sido, sigungu, hire!.Value, termination, status!.Value);
    }
}
