using InsureCrm.Core.Common;
using InsureCrm.Core.Policies;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Imports;

/// <summary>
/// Contracts, upserted by contract_number. A new contract gets its roles and its initial status history row;
/// a changed status goes through <see cref="ContractLifecycle.Move"/> (an illegal transition rejects the row)
/// and writes a status change.
/// </summary>
internal sealed class ContractLoader(ImportContext context) : IBatchLoader
{
    private const string Reason = "import";
    private readonly Dictionary<string, int> _seen = new(StringComparer.Ordinal);

    private sealed record Input(
        ImportRow Row, string System, string Number, string ProductCode, string Policyholder, string? Insured, string? Beneficiary,
        decimal SumAssured, decimal Premium, PaymentMode PaymentMode, PaymentMethod PaymentMethod, DateOnly IssueDate,
        DateOnly? MaturityDate, string? SellingAgent, string? ServicingAgent, SalesChannel Channel, ContractStatus Status, DateOnly StatusDate,
        bool HasPaidTo, DateOnly? PaidToDate);

    public async Task<BatchOutcome> LoadAsync(IReadOnlyList<ImportRow> rows, CancellationToken ct)
    {
        var inputs = new List<Input>();
        foreach (var row in rows.Where(r => !r.HasErrors))
        {
            if (Parse(row) is { } input && ImportLookups.FirstInFile(_seen, row, "contract_number", input.Number))
            {
                inputs.Add(input);
            }
        }
        await using var db = context.Database.CreateContext();
        await using var tx = await ImportLookups.BeginAsync(db, ct);
        var products = await ImportLookups.ProductsAsync(db, inputs.Select(i => i.ProductCode), ct);
        var agents = await ImportLookups.AgentsAsync(db, inputs.SelectMany(i => new[] { i.SellingAgent, i.ServicingAgent }), ct);
        var customers = await ImportLookups.CustomersAsync(db,
            inputs.SelectMany(i => new[] { i.Policyholder, i.Insured, i.Beneficiary }.OfType<string>().Select(id => (i.System, id))), ct);
        var numbers = inputs.Select(i => i.Number).ToList();
        var existing = await db.Contracts.Include(c => c.Roles).Where(c => numbers.Contains(c.ContractNumber))
            .ToDictionaryAsync(c => c.ContractNumber, StringComparer.Ordinal, ct);

        var now = context.Clock.GetUtcNow().UtcDateTime;
        var fresh = new List<(Contract Contract, Input Input)>();
        var changes = new List<ContractStatusChange>();
        int updated = 0, unchanged = 0;
        foreach (var input in inputs)
        {
            var row = input.Row;
            var product = Resolve(row, "product_code", input.ProductCode, products, "unknown product code");
            var holder = ResolveCustomer(row, "policyholder", input.System, input.Policyholder, customers);
            var insured = input.Insured is null ? null : ResolveCustomer(row, "insured", input.System, input.Insured, customers);
            var beneficiary = input.Beneficiary is null ? null : ResolveCustomer(row, "beneficiary", input.System, input.Beneficiary, customers);
            var selling = input.SellingAgent is null ? null : Resolve(row, "selling_agent_code", input.SellingAgent, agents, "unknown agent code");
            var servicing = input.ServicingAgent is null ? null : Resolve(row, "servicing_agent_code", input.ServicingAgent, agents, "unknown agent code");
            if (row.HasErrors)
            {
                continue;
            }
            var currency = ImportLookups.Currency(row, products[input.ProductCode].Currency);
            if (row.HasErrors)
            {
                continue;
            }
            if (!existing.TryGetValue(input.Number, out var contract))
            {
                contract = new Contract { ContractNumber = input.Number, Status = input.Status, StatusDate = input.StatusDate };
                Assign(contract, input, product!.Value, holder!.Value, selling, servicing, currency);
                AddRoles(contract, holder.Value, insured, beneficiary);
                db.Contracts.Add(contract);
                fresh.Add((contract, input));
                continue;
            }
            if (contract.Status != input.Status)
            {
                var (change, error) = ContractLifecycle.Move(contract, input.Status, input.StatusDate, now, Reason);
                if (error is not null)
                {
                    // Move refuses before touching the contract, so nothing of this row is saved.
                    row.Error("status", error);
                    continue;
                }
                changes.Add(change!);
            }
            var roleCount = contract.Roles.Count;
            Assign(contract, input, product!.Value, holder!.Value, selling, servicing, currency);
            AddRoles(contract, holder.Value, insured, beneficiary);
            db.ChangeTracker.DetectChanges();
            if (db.Entry(contract).State == EntityState.Modified || contract.Roles.Count != roleCount)
            {
                updated++;
            }
            else
            {
                unchanged++;
            }
        }
        await db.SaveChangesAsync(ct);
        foreach (var (contract, input) in fresh)
        {
            changes.Add(new ContractStatusChange
            {
                ContractId = contract.Id, CustomerId = contract.CustomerId, FromStatus = null, ToStatus = input.Status,
                EffectiveDate = input.StatusDate, RecordedAt = now, Reason = Reason,
            });
        }
        foreach (var change in changes)
        {
            change.CustomerId = db.Contracts.Local.First(c => c.Id == change.ContractId).CustomerId;
        }
        db.ContractStatusChanges.AddRange(changes);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new BatchOutcome(fresh.Count, updated, unchanged, 0);
    }

    private static void Assign(Contract c, Input i, long product, long holder, long? selling, long? servicing, string currency)
    {
        c.ProductId = product;
        c.CustomerId = holder;
        c.SumAssured = i.SumAssured;
        c.Premium = i.Premium;
        c.Currency = currency;
        c.PaymentMode = i.PaymentMode;
        c.PaymentMethod = i.PaymentMethod;
        c.IssueDate = i.IssueDate;
        c.MaturityDate = i.MaturityDate;
        if (i.HasPaidTo)
        {
            // A feed without the column keeps what an earlier one said; an empty cell says it is unknown.
            c.PaidToDate = i.PaidToDate;
        }
        c.SellingAgentId = selling;
        c.ServicingAgentId = servicing;
        c.Channel = i.Channel;
    }

    private static void AddRoles(Contract contract, long holder, long? insured, long? beneficiary)
    {
        void Ensure(long customer, ContractRoleKind role, decimal? share)
        {
            if (!contract.Roles.Any(r => r.Role == role && r.CustomerId == customer))
            {
                contract.Roles.Add(new ContractRole { CustomerId = customer, Role = role, SharePercent = share });
            }
        }
        Ensure(holder, ContractRoleKind.Policyholder, null);
        Ensure(insured ?? holder, ContractRoleKind.Insured, null);
        if (beneficiary is { } b)
        {
            Ensure(b, ContractRoleKind.Beneficiary, 100m);
        }
    }

    private static long? Resolve(ImportRow row, string column, string key, Dictionary<string, long> found, string reason)
    {
        if (found.TryGetValue(key, out var id))
        {
            return id;
        }
        row.Error(column, reason);
        return null;
    }

    private static long? Resolve(ImportRow row, string column, string key, Dictionary<string, (long Id, string Currency)> found, string reason)
    {
        if (found.TryGetValue(key, out var product))
        {
            return product.Id;
        }
        row.Error(column, reason);
        return null;
    }

    internal static long? ResolveCustomer(ImportRow row, string column, string system, string id, Dictionary<(string, string), long> customers)
    {
        if (customers.TryGetValue((system, id), out var customer))
        {
            return customer;
        }
        row.Error(column, $"no customer with this source id in source system {system} (import customers first)");
        return null;
    }

    private Input? Parse(ImportRow row)
    {
        var system = ImportLookups.SourceSystem(row, context);
        var number = row.Text("contract_number", 20, required: true);
        var product = row.Text("product_code", 20, required: true);
        var holder = row.Text("policyholder", 40, required: true);
        var insured = row.Text("insured", 40);
        var beneficiary = row.Text("beneficiary", 40);
        var sum = row.Money("sum_assured", required: true);
        var premium = row.Money("premium", required: true);
        var mode = row.Enum<PaymentMode>("payment_mode", required: true);
        var method = row.Enum<PaymentMethod>("payment_method", required: true);
        var horizon = ImportLookups.Horizon(context);
        var issue = row.Date("issue_date", required: true, latest: horizon);
        var maturity = row.Date("maturity_date");
        var paidTo = row.Date("paid_to_date");
        var selling = row.Text("selling_agent_code", 20);
        var servicing = row.Text("servicing_agent_code", 20);
        var channel = row.Enum<SalesChannel>("channel", required: true);
        var status = row.Enum<ContractStatus>("status", required: true);
        var statusDate = row.Date("status_date", required: true, latest: horizon);
        if (issue is { } i && maturity is { } m && m <= i)
        {
            row.Error("maturity_date", "must be after issue_date");
        }
        if (issue is { } i1 && paidTo is { } p && p < i1)
        {
            row.Error("paid_to_date", "must not be before issue_date");
        }
        if (maturity is { } m1 && paidTo is { } p1 && p1 > m1)
        {
            row.Error("paid_to_date", "must not be after maturity_date");
        }
        if (issue is { } i2 && statusDate is { } s && s < i2)
        {
            row.Error("status_date", "must not be before issue_date");
        }
        return row.HasErrors ? null : new Input(row, system!, number!, product!, holder!, insured, beneficiary, sum!.Value, premium!.Value,
            mode!.Value, method!.Value, issue!.Value, maturity, selling, servicing, channel!.Value, status!.Value, statusDate!.Value,
            row.Has("paid_to_date"), paidTo);
    }
}
