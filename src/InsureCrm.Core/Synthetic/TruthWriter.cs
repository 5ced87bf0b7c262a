using System.Globalization;
using System.Text;

namespace InsureCrm.Core.Synthetic;

/// <summary>Writes the hidden truth as CSV (InvariantCulture, UTF-8, LF); the columns are documented in docs/synthetic-insurer.md.</summary>
internal sealed class TruthWriter : IDisposable
{
    public const string CustomerHeader =
        "customer_id,kind,duplicate_of,duplicate_rule,alive,p_lapse_3m,p_purchase_3m,p_loan_3m,premium_burden,active_contracts,orphaned_contracts,unresolved_complaint,as_of";

    public const string AgentHeader =
        "agent_id,code,kind,branch_id,hire_date,termination_date,p_dropout_13m,left_within_13m,p_leave_next_13m,as_of";

    private readonly StreamWriter _customers;

    public TruthWriter(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        _customers = new StreamWriter(full, append: false, new UTF8Encoding(false)) { NewLine = "\n" };
        _customers.WriteLine(CustomerHeader);
        AgentPath = GenerationOptions.AgentTruthFile(full);
    }

    public string AgentPath { get; }

    public void WriteCustomers(IEnumerable<string> rows)
    {
        foreach (var row in rows)
        {
            _customers.WriteLine(row);
        }
    }

    /// <summary>
    /// One row per agent; <c>p_leave_next_13m</c> as of <paramref name="truthAt"/> (empty for an agent hired
    /// after it, 0 for one who had left by then). <c>left_within_13m</c> is what the data show at the as-of date.
    /// </summary>
    public void WriteAgents(AgentForce force, DateOnly truthAt)
    {
        using var writer = new StreamWriter(AgentPath, append: false, new UTF8Encoding(false)) { NewLine = "\n" };
        writer.WriteLine(AgentHeader);
        foreach (var a in force.Agents)
        {
            var tenure = (truthAt.DayNumber - a.HireDate.DayNumber) / 30.44;
            var left13 = a.HireDate.AddMonths(13) <= force.AsOf ? (a.LeaveDate < a.HireDate.AddMonths(13) ? "1" : "0") : "";
            var next = a.HireDate > truthAt ? ""
                : a.LeaveDate <= truthAt ? 0.0.ToString("F6", CultureInfo.InvariantCulture)
                : HiddenModel.AgentLeavesNext13(a.EarlyDropoutRate, tenure).ToString("F6", CultureInfo.InvariantCulture);
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{a.Id},{a.Code},{a.Kind},{force.Branches[a.BranchIndex].Id},{a.HireDate:yyyy-MM-dd},{a.TerminationDate:yyyy-MM-dd},{HiddenModel.AgentDropout13(a.EarlyDropoutRate):F6},{left13},{next},{truthAt:yyyy-MM-dd}"));
        }
    }

    public void Dispose() => _customers.Dispose();
}
