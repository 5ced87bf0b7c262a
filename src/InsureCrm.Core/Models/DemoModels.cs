using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace InsureCrm.Core.Models;

/// <summary>
/// The demo's models, so that a new user sees scores on the customer page at once: every insurer model is
/// built as of a cutoff before the demo's date by the demo analyst, approved by the demo admin (four eyes,
/// as for real models) and scored. Only for an empty registry; a model whose population is too small in
/// the demo book is skipped with a log line.
/// </summary>
public sealed partial class DemoModels(CrmDatabase database, InsurerModelTrainer trainer, ModelRegistry registry, InsurerModelScorer scorer,
    ILogger<DemoModels> logger)
{
    public const string Trainer = "analyst";
    public const string Approver = "admin";

    /// <summary>Builds, approves and scores the demo models as of <paramref name="asOf"/>; returns how many became champions.</summary>
    public async Task<int> EnsureAsync(DateOnly asOf, CancellationToken ct)
    {
        if ((await registry.ListAsync(null, ct)).Count > 0)
        {
            return 0;
        }
        CrmUser approver;
        await using (var ctx = database.CreateContext())
        {
            var admin = await ctx.Users.AsNoTracking().FirstOrDefaultAsync(u => u.UserName == Approver, ct);
            if (admin is null)
            {
                return 0;
            }
            approver = new CrmUser(admin.Id, admin.UserName, admin.Role, admin.AgentId, admin.BranchId, null, "demo-setup");
        }
        var champions = 0;
        foreach (var model in InsurerModels.All)
        {
            // Agent labels need 13 months after the cutoff; the others 3.
            var cutoff = asOf.AddMonths(-model.LabelMonths).AddDays(-1);
            try
            {
                var version = await trainer.BuildAsync(new ModelBuildRequest(model.Name, cutoff, null, Trainer), ct);
                var approval = await registry.ApproveAsync(model.Name, version.Version, approver, ct);
                champions += approval.Outcome == ApprovalOutcome.Approved ? 1 : 0;
            }
            catch (ArgumentException ex)
            {
                LogSkipped(model.Name, ex.Message);
            }
        }
        await scorer.RunAsync(asOf, null, ct);
        return champions;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo model {Model} skipped: {Reason}")]
    private partial void LogSkipped(string model, string reason);
}
