using InsureCrm.Core.Common;
using InsureCrm.Core.Policies;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Imports;

/// <summary>Loans, upserted by loan_number.</summary>
internal sealed class LoanLoader(ImportContext context) : IBatchLoader
{
    private readonly Dictionary<string, int> _seen = new(StringComparer.Ordinal);

    private sealed record Input(
        ImportRow Row, string System, string Number, string Customer, string ProductCode, decimal Principal, decimal Rate,
        decimal Balance, DateOnly Start, DateOnly Maturity, LoanStatus Status, DateOnly StatusDate, string? Agent);

    public async Task<BatchOutcome> LoadAsync(IReadOnlyList<ImportRow> rows, CancellationToken ct)
    {
        var inputs = new List<Input>();
        foreach (var row in rows.Where(r => !r.HasErrors))
        {
            if (Parse(row) is { } input && ImportLookups.FirstInFile(_seen, row, "loan_number", input.Number))
            {
                inputs.Add(input);
            }
        }
        await using var db = context.Database.CreateContext();
        await using var tx = await ImportLookups.BeginAsync(db, ct);
        var products = await ImportLookups.ProductsAsync(db, inputs.Select(i => i.ProductCode), ct);
        var agents = await ImportLookups.AgentsAsync(db, inputs.Select(i => i.Agent), ct);
        var customers = await ImportLookups.CustomersAsync(db, inputs.Select(i => (i.System, i.Customer)), ct);
        var numbers = inputs.Select(i => i.Number).ToList();
        var existing = await db.Loans.Where(l => numbers.Contains(l.LoanNumber)).ToDictionaryAsync(l => l.LoanNumber, StringComparer.Ordinal, ct);
        var tally = new BatchTally(db);
        foreach (var input in inputs)
        {
            var row = input.Row;
            if (!products.TryGetValue(input.ProductCode, out var product))
            {
                row.Error("product_code", "unknown product code");
            }
            var customer = ContractLoader.ResolveCustomer(row, "customer", input.System, input.Customer, customers);
            long? agent = null;
            if (input.Agent is not null)
            {
                if (agents.TryGetValue(input.Agent, out var a))
                {
                    agent = a;
                }
                else
                {
                    row.Error("agent_code", "unknown agent code");
                }
            }
            var currency = ImportLookups.Currency(row, product.Currency);
            if (row.HasErrors)
            {
                continue;
            }
            var isNew = !existing.TryGetValue(input.Number, out var loan);
            loan ??= db.Loans.Add(new Loan { LoanNumber = input.Number }).Entity;
            loan.CustomerId = customer!.Value;
            loan.ProductId = product.Id;
            loan.Principal = input.Principal;
            loan.Rate = input.Rate;
            loan.Balance = input.Balance;
            loan.Currency = currency;
            loan.StartDate = input.Start;
            loan.MaturityDate = input.Maturity;
            loan.Status = input.Status;
            loan.StatusDate = input.StatusDate;
            loan.AgentId = agent;
            tally.Count(loan, isNew);
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return tally.Outcome;
    }

    private Input? Parse(ImportRow row)
    {
        var system = ImportLookups.SourceSystem(row, context);
        var number = row.Text("loan_number", 20, required: true);
        var customer = row.Text("customer", 40, required: true);
        var product = row.Text("product_code", 20, required: true);
        var principal = row.Money("principal", required: true);
        var rate = row.Decimal("rate", 0m, 1m, required: true);
        var balance = row.Money("balance", required: true);
        var horizon = ImportLookups.Horizon(context);
        var start = row.Date("start_date", required: true, latest: horizon);
        var maturity = row.Date("maturity_date", required: true);
        var status = row.Enum<LoanStatus>("status", required: true);
        var statusDate = row.Date("status_date", required: true, latest: horizon);
        var agent = row.Text("agent_code", 20);
        if (start is { } s && maturity is { } m && m <= s)
        {
            row.Error("maturity_date", "must be after start_date");
        }
        if (principal is { } p && balance is { } b && b > p)
        {
            row.Error("balance", "must not exceed principal");
        }
        return row.HasErrors ? null : new Input(row, system!, number!, customer!, product!, principal!.Value, rate!.Value, balance!.Value,
            start!.Value, maturity!.Value, status!.Value, statusDate!.Value, agent);
    }
}
