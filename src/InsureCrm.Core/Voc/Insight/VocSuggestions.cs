using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Voc.Insight;

/// <summary>A suggestion as its submitter follows it: the state, and the answer once resolved.</summary>
public sealed record VocSuggestionRow(long Id, string Number, string? Subject, string? CategoryCode, VocState State, DateTime ReceivedAt, DateTime? ResolvedAt,
    string? Answer);

/// <summary>
/// Internal VOC (issue 16, item 8; the voice of employees): any member of staff suggests an improvement of an internal process.
/// It is a case like any other — channel Internal, type Suggestion, a category under <c>internal</c> — routed and tracked by the
/// same intake, rules and clocks; the submitter follows their suggestions and reads the answers.
/// </summary>
public sealed class VocSuggestions(CrmDbContext db, VocIntake intake)
{
    public const string TopCategory = "internal";

    public async Task<VocIntakeResult> SubmitAsync(CrmUser user, string? subject, string? text, string? category, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var code = string.IsNullOrWhiteSpace(category) ? TopCategory : category.Trim();
        if (code != TopCategory && !code.StartsWith(TopCategory + ".", StringComparison.Ordinal))
        {
            return new VocIntakeResult(VocIntakeStatus.Invalid, Errors: [new VocError("category", "category.not-internal", "A suggestion's category is 'internal' or one under it.")]);
        }
        // Every member of staff may suggest, also roles that do not take customers' voices (marketers, analysts, compliance):
        // the intake opens it as the internal channel, and the case is then marked as theirs, so they follow it.
        var result = await intake.OpenAsync(new VocIntakeRequest(VocChannel.Internal, VocType.Suggestion, code, VocSeverity.Low, subject, text),
            user.Role.Allows(Capability.VocIntake) ? user : null, ct);
        if (result.Status == VocIntakeStatus.Opened && result.CaseId is { } id)
        {
            var c = await db.VocCases.FirstAsync(x => x.Id == id, ct);
            if (c.CreatedByUserId is null)
            {
                c.CreatedByUserId = user.UserId;
                c.CreatedBy = user.UserName;
                await db.SaveChangesAsync(ct);
            }
        }
        return result;
    }

    /// <summary>The user's own suggestions, newest first.</summary>
    public async Task<IReadOnlyList<VocSuggestionRow>> MineAsync(CrmUser user, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        return await db.VocCases.AsNoTracking().Where(c => c.Channel == VocChannel.Internal && c.CreatedByUserId == user.UserId)
            .OrderByDescending(c => c.ReceivedAt).ThenByDescending(c => c.Id).Take(100)
            .Select(c => new VocSuggestionRow(c.Id, c.Number, c.Subject, c.CategoryCode, c.State, c.ReceivedAt, c.ResolvedAt, c.Answer)).ToListAsync(ct);
    }
}
