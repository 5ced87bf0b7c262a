using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace InsureCrm.Core.Campaigns.Execution;

/// <summary>
/// The DM file for the print vendor (docs/plans/issue12-campaigns.md section 7, "DM"): address fields only
/// (<see cref="Columns"/>; never a phone, e-mail, RRN or birth date), for a holder of <c>campaign:edit</c> with an access
/// reason, of an approved or running campaign. The campaign's DM contacts are released if needed, then claimed,
/// checked against the contact policy (channel DM) and marked Exported with the export id, with their interaction
/// rows — the outbox rules of the sender, shared. Customers without a postal address are Blocked with
/// <see cref="CampaignBlockReason.NoAddress"/> and counted. The file is written from the contacts carrying the export
/// id, so the same id writes the same file again (from the customers' current addresses); every customer in it gets one
/// <see cref="AccessAction.Download"/> entry, recorded before their row is written.
/// </summary>
internal sealed partial class DmExport(
    CrmDbContext db, ConsentService consents, IAccessLog accessLog, CampaignsOptions options, TimeProvider clock, ILogger<DmExport> logger) : IDmExport
{
    /// <summary>The file's columns, in order: nothing else leaves.</summary>
    public static readonly IReadOnlyList<string> Columns = ["contact_id", "name", "postal_code", "sido", "sigungu", "address_line", "campaign_code"];

    private const int MaxExportIdLength = 40;

    public async Task<CampaignResult<DmExportResult>> WriteAsync(CrmUser user, DmExportRequest request, Stream output, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(output);
        if (!user.Role.Allows(Capability.CampaignEdit))
        {
            return CampaignResult.Forbidden<DmExportResult>();
        }
        var errors = new Dictionary<string, string[]>();
        var reason = AccessReason.Compose(request.Reason);
        if (reason is null)
        {
            errors["reason"] = [$"'{request.Reason}' is not an access reason: give one of {string.Join(", ", AccessReason.Codes)} (a DM file holds customers' addresses)."];
        }
        if (request.ExportId is { } given && (given.Length > MaxExportIdLength || !ExportIdPattern().IsMatch(given)))
        {
            errors["exportId"] = [$"'{given}' is not an export id: up to {MaxExportIdLength} letters, digits, '.', '_' or '-'."];
        }
        if (!Enum.IsDefined(request.Encoding))
        {
            errors["encoding"] = [$"'{request.Encoding}' is not an encoding: Utf8Bom or Cp949."];
        }
        if (errors.Count > 0)
        {
            return CampaignResult.Invalid<DmExportResult>(errors);
        }
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == request.CampaignId, ct);
        if (campaign is null)
        {
            return CampaignResult.NotFound<DmExportResult>();
        }
        if (campaign.State is not (CampaignState.Approved or CampaignState.Running))
        {
            return CampaignResult.Conflict<DmExportResult>($"The campaign is {campaign.State}; a DM list is exported only from an approved or running campaign.");
        }

        var exportId = request.ExportId;
        var tally = new Tally();
        var reproduced = exportId is not null && await db.CampaignContacts.AnyAsync(x => x.CampaignId == campaign.Id && x.ExportId == exportId, ct);
        if (!reproduced)
        {
            exportId ??= await NewExportIdAsync(campaign.Id, ct);
            await ExportContactsAsync(user, campaign, exportId, tally, ct);
        }

        var (rows, replaced) = await WriteFileAsync(user, campaign, exportId!, reason!, request.Encoding, output, ct);
        db.CampaignEvents.Add(new CampaignEvent
        {
            CampaignId = campaign.Id, At = clock.GetUtcNow().UtcDateTime, UserName = user.UserName, Kind = CampaignEventKind.DmExported,
            Detail = JsonSerializer.Serialize(new { exportId, rows, reproduced, tally.Blocked, tally.Deferred, encoding = request.Encoding.ToString() }),
        });
        await db.SaveChangesAsync(CancellationToken.None);
        LogExport(logger, campaign.Id, rows, tally.Blocked, reproduced);
        return CampaignResult.Ok(new DmExportResult(exportId!, rows, $"dm-{campaign.Code}-{exportId}.csv")
        {
            BlockedByReason = tally.ByReason, RowsWithReplacedCharacters = replaced,
        });
    }

    /// <summary>Releases the DM contacts, then claims, checks and marks them Exported under <paramref name="exportId"/>, a batch at a time.</summary>
    private async Task ExportContactsAsync(CrmUser user, Campaign campaign, string exportId, Tally tally, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        tally.Released = await CampaignOutbox.ReleaseAsync(db, campaign.Id, CampaignChannelKind.Dm, now, ct);
        // Unlike a message, a DM contact leaves only in a file written from Exported rows: one an export stopped holding
        // never left, so it goes back to the queue rather than in doubt.
        await db.CampaignContacts
            .Where(x => x.CampaignId == campaign.Id && x.Channel == CampaignChannelKind.Dm && x.State == CampaignContactState.Sending && x.LeaseUntil < now)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.State, CampaignContactState.Pending).SetProperty(x => x.LeaseUntil, (DateTime?)null), ct);
        while (true)
        {
            var batch = await CampaignOutbox.ClaimAsync(db, campaign.Id, CampaignChannelKind.Dm, options.Sending.BatchSize, now, options.Sending.Lease, ct);
            if (batch.Count == 0)
            {
                return;
            }
            tally.Claimed += batch.Count;
            var at = clock.GetUtcNow();
            var ids = batch.Select(x => x.CustomerId).Distinct().ToList();
            var decisions = await consents.CheckManyAsync(
                [.. batch.Select(x => new ContactRequest(x.CustomerId, ContactChannel.Dm, ContactPurpose.Marketing, at))], ct);
            var withAddress = (await db.CustomerAddresses.AsNoTracking()
                .Where(a => ids.Contains(a.CustomerId) && a.Line != "")
                .Select(a => a.CustomerId).Distinct().ToListAsync(ct)).ToHashSet();
            for (var i = 0; i < batch.Count; i++)
            {
                var contact = batch[i];
                if (CampaignOutbox.Refused(contact, decisions[i], tally))
                {
                    continue;
                }
                if (!withAddress.Contains(contact.CustomerId))
                {
                    CampaignOutbox.Block(contact, tally, nameof(CampaignBlockReason.NoAddress));
                    continue;
                }
                contact.State = CampaignContactState.Exported;
                contact.ExportId = exportId;
                contact.SentAt = at.UtcDateTime;
                contact.MessageRef = exportId;
                contact.Reasons = "";
                tally.Sent++;
                db.Interactions.Add(CampaignOutbox.InteractionOf(contact, InteractionChannel.Dm, at.UtcDateTime, user.UserName));
            }
            await db.SaveChangesAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>
    /// Writes the header and the rows of the export's contacts in contact order, a chunk at a time: each chunk's access-log
    /// entries first (one Download per customer), then its rows. Returns the rows and how many held a character the
    /// encoding cannot write.
    /// </summary>
    private async Task<(int Rows, int Replaced)> WriteFileAsync(
        CrmUser user, Campaign campaign, string exportId, string reason, DmEncoding encoding, Stream output, CancellationToken ct)
    {
        var text = encoding == DmEncoding.Cp949 ? Cp949() : new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        var strict = encoding == DmEncoding.Cp949 ? Cp949Strict() : null;
        if (encoding == DmEncoding.Utf8Bom)
        {
            await output.WriteAsync(Encoding.UTF8.Preamble.ToArray(), ct);
        }
        await using var writer = new StreamWriter(output, text, bufferSize: 64 * 1024, leaveOpen: true) { NewLine = "\r\n" };
        await writer.WriteLineAsync(string.Join(',', Columns));
        var detail = $"campaign {campaign.Code} dm {exportId}";
        var (rows, replaced, after) = (0, 0, 0L);
        while (true)
        {
            var chunk = await db.CampaignContacts.AsNoTracking()
                .Where(x => x.CampaignId == campaign.Id && x.ExportId == exportId && x.Id > after)
                .OrderBy(x => x.Id).Take(AccessLog.MaxBatchEntries)
                .Select(x => new { x.Id, x.CustomerId })
                .ToListAsync(ct);
            if (chunk.Count == 0)
            {
                break;
            }
            after = chunk[^1].Id;
            var ids = chunk.Select(x => x.CustomerId).Distinct().ToList();
            var names = await db.Customers.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
            var addresses = (await db.CustomerAddresses.AsNoTracking().Where(a => ids.Contains(a.CustomerId) && a.Line != "").ToListAsync(ct))
                .GroupBy(a => a.CustomerId)
                .ToDictionary(g => g.Key, g => g.OrderByDescending(a => a.IsPrimary).ThenBy(a => a.Id).First());
            await accessLog.RecordManyAsync(user, [.. chunk.Select(x => new AccessEvent(AccessAction.Download, x.CustomerId, reason, detail))], ct);
            foreach (var x in chunk)
            {
                var address = addresses.GetValueOrDefault(x.CustomerId);
                string[] cells = [x.Id.ToString(CultureInfo.InvariantCulture), names.GetValueOrDefault(x.CustomerId) ?? "", address?.PostalCode ?? "",
                    address?.Sido ?? "", address?.Sigungu ?? "", address?.Line ?? "", campaign.Code];
                var line = string.Join(',', cells.Select(CsvCell.Field));
                if (strict is not null && !Encodable(strict, line))
                {
                    replaced++;
                }
                await writer.WriteLineAsync(line);
                rows++;
            }
        }
        await writer.FlushAsync(ct);
        return (rows, replaced);
    }

    /// <summary>A fresh export id from the clock (<c>yyyyMMdd-HHmmss</c> UTC), with a counter if that one is taken.</summary>
    private async Task<string> NewExportIdAsync(long campaignId, CancellationToken ct)
    {
        var stem = clock.GetUtcNow().UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var taken = await db.CampaignContacts.AsNoTracking()
            .Where(x => x.CampaignId == campaignId && x.ExportId != null && x.ExportId.StartsWith(stem))
            .Select(x => x.ExportId!).Distinct().ToListAsync(ct);
        var id = stem;
        for (var n = 2; taken.Contains(id); n++)
        {
            id = string.Create(CultureInfo.InvariantCulture, $"{stem}-{n}");
        }
        return id;
    }

    private static bool Encodable(Encoding strict, string line)
    {
        try
        {
            strict.GetByteCount(line);
            return true;
        }
        catch (EncoderFallbackException)
        {
            return false;
        }
    }

    private static Encoding Cp949() => Encoding.GetEncoding(949, new EncoderReplacementFallback("?"), DecoderFallback.ReplacementFallback);

    private static Encoding Cp949Strict() => Encoding.GetEncoding(949, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);

    [GeneratedRegex("^[A-Za-z0-9._-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex ExportIdPattern();

    [LoggerMessage(Level = LogLevel.Information, Message = "Campaign {CampaignId} DM export: {Rows} rows, {Blocked} blocked, reproduced {Reproduced}")]
    private static partial void LogExport(ILogger logger, long campaignId, int rows, int blocked, bool reproduced);
}
