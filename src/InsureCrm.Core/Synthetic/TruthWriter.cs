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

    /// <summary>One row per member of a planted campaign (every arm); <c>true_uplift</c> is what the campaign adds to the member's purchase probability when in Test.</summary>
    public const string CampaignHeader = "campaign_id,customer_id,arm,stratum,reachable,p_control,p_treated,true_uplift";

    /// <summary>Per campaign and planted stratum (and <c>all</c>): β, the Test members and their mean true uplift.</summary>
    public const string CampaignEffectHeader = "campaign_id,stratum,beta,members,mean_true_uplift";

    private readonly StreamWriter _customers;
    private StreamWriter? _campaigns;

    public TruthWriter(string path)
    {
        var full = Path.GetFullPath(path);
        CustomerPath = full;
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        _customers = new StreamWriter(full, append: false, new UTF8Encoding(false)) { NewLine = "\n" };
        _customers.WriteLine(CustomerHeader);
        AgentPath = GenerationOptions.AgentTruthFile(full);
    }

    public string AgentPath { get; }

    public string CustomerPath { get; }

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

    /// <summary>Starts <c>NAME.campaigns.csv</c> (planted campaigns are on).</summary>
    public void BeginCampaigns()
    {
        _campaigns = new StreamWriter(GenerationOptions.CampaignTruthFile(CustomerPath), append: false, new UTF8Encoding(false)) { NewLine = "\n" };
        _campaigns.WriteLine(CampaignHeader);
    }

    public void WriteCampaignMembers(IEnumerable<string> rows)
    {
        if (_campaigns is null)
        {
            return;
        }
        foreach (var row in rows)
        {
            _campaigns.WriteLine(row);
        }
    }

    /// <summary><c>NAME.campaign-effects.csv</c>: the planted β per stratum with the Test members' mean true uplift, and the campaign's overall mean (<c>all</c>).</summary>
    public void WriteCampaignEffects(IReadOnlyList<PlantedRun> runs, IReadOnlyDictionary<int, PlantedTally> tallies)
    {
        using var writer = new StreamWriter(GenerationOptions.CampaignEffectTruthFile(CustomerPath), append: false, new UTF8Encoding(false)) { NewLine = "\n" };
        writer.WriteLine(CampaignEffectHeader);
        foreach (var run in runs)
        {
            var tally = tallies.GetValueOrDefault(run.Plan.Key) ?? new PlantedTally();
            var (members, sum) = (0, 0.0);
            foreach (var (stratum, (n, total)) in tally.Strata)
            {
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{run.CampaignId},{stratum},{HiddenModel.CampaignUplift(stratum) * run.EffectScale:F4},{n},{total / n:F6}"));
                members += n;
                sum += total;
            }
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{run.CampaignId},all,,{members},{(members == 0 ? 0 : sum / members):F6}"));
        }
    }

    public void Dispose()
    {
        _customers.Dispose();
        _campaigns?.Dispose();
    }
}
