using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Campaigns.Targeting;
using InsureCrm.Core.Security;
using InsureCrm.Web.Localization;
using InsureCrm.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InsureCrm.Web.Campaigns;

/// <summary>
/// The campaign pages' posts: the rule builder's live count (<c>POST /api/campaigns/rules/count</c>, an htmx fragment),
/// a campaign's state changes (plain form posts that return to the record page) and its simulation (a fragment).
/// Each names its capability; Core checks the state, the version and the four-eyes rule.
/// </summary>
internal static class CampaignEndpoints
{
    public static IEndpointRouteBuilder MapCampaignEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/campaigns").WithTags("Campaigns");
        api.MapPost("/rules/count", CountAsync).WithName("CountCampaignRule").RequireAuthorization(Capability.CampaignEdit);

        var pages = app.MapGroup("/campaigns/{id:long}").ExcludeFromDescription();
        pages.MapPost("/actions/approve", (long id, HttpContext http, IServiceProvider services, CancellationToken ct) =>
            ActAsync(id, "approve", http, services, ct)).RequireAuthorization(Capability.CampaignApprove);
        foreach (var action in new[] { "split", "start", "send", "attribute", "cancel", "close" })
        {
            pages.MapPost("/actions/" + action, (long id, HttpContext http, IServiceProvider services, CancellationToken ct) =>
                ActAsync(id, action, http, services, ct)).RequireAuthorization(Capability.CampaignEdit);
        }
        pages.MapPost("/simulate", SimulateAsync).RequireAuthorization(Capability.CampaignEdit);
        pages.MapPost("/scripts", ReviseScriptAsync).RequireAuthorization(Capability.CampaignEdit);
        pages.MapPost("/offers", ChangeOfferAsync).RequireAuthorization(Capability.CampaignEdit);
        pages.MapGet("/results.csv", (long id, HttpContext http, IServiceProvider services, CancellationToken ct) =>
            ExportAsync(id, ResultFileFormat.Csv, http, services, ct)).RequireAuthorization(Capability.CampaignView).RequireDownloadReason();
        pages.MapGet("/results.xlsx", (long id, HttpContext http, IServiceProvider services, CancellationToken ct) =>
            ExportAsync(id, ResultFileFormat.Xlsx, http, services, ct)).RequireAuthorization(Capability.CampaignView).RequireDownloadReason();
        // Names and postal addresses of the Test arm: only those who plan campaigns, with a reason, logged per customer by Core.
        pages.MapGet("/dm.csv", DmAsync).RequireAuthorization(Capability.CampaignEdit).RequireDownloadReason();

        app.MapPost("/campaigns/contacts/{contactId:long}/outcome", OutcomeAsync).ExcludeFromDescription().RequireAuthorization(Capability.CustomersView);
        // Before the page of the same address (which only shows the button): the post records the withdrawal.
        app.MapPost("/u/{token}", UnsubscribeAsync).ExcludeFromDescription().AllowAnonymous().WithMetadata(new ChecksAntiforgeryItselfAttribute()).WithOrder(-1);
        return app;
    }

    public static async Task<RazorComponentResult<RuleCount>> CountAsync(HttpContext http, IServiceProvider services, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        var rows = RuleForm.Read(form);
        if (services.GetService<ICampaignTargeting>() is not { } targeting)
        {
            return new RazorComponentResult<RuleCount>(new { Unavailable = true });
        }
        var text = http.RequestServices.GetRequiredService<Text>();
        var json = RuleForm.ToJson(rows);
        RazorComponentResult<RuleCount> Refused(IReadOnlyDictionary<string, string[]> errors) =>
            new(new { Errors = errors, RowOf = (Func<string, int?>)(key => RuleForm.RowOf(key, rows)) });
        // Core's catalogue checks the rule first, so a rule with a bad field or value is refused, named in the page's
        // language, before any count is asked for.
        var problems = new CampaignErrors();
        if (RuleDefinition.Parse(json, problems) is null)
        {
            return Refused(CampaignErrorText.Of(text, CampaignResult.Invalid<TargetProfile>(problems)));
        }
        var result = await targeting.ProfileAsync(HttpCurrentUser.Required(http), json, ct);
        if (!result.IsOk)
        {
            http.Response.StatusCode = StatusCodes.Status200OK;
            return Refused(result.Outcome == CampaignOutcome.Invalid
                ? CampaignErrorText.Of(text, result)
                : new Dictionary<string, string[]> { ["rule"] = [result.Message ?? result.Outcome.ToString()] });
        }
        return new RazorComponentResult<RuleCount>(new { Profile = result.Value });
    }

    private static async Task<IResult> ActAsync(long id, string action, HttpContext http, IServiceProvider services, CancellationToken ct)
    {
        if (services.GetService<ICampaignPlanning>() is not { } planning)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Campaign planning is not installed in this build.");
        }
        var form = await http.Request.ReadFormAsync(ct);
        if (!int.TryParse(form["version"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["version"] = ["The form's version is missing; reload the campaign."] });
        }
        var user = HttpCurrentUser.Required(http);
        var text = (string?)form[action == "close" ? "lessons" : "reason"] ?? "";
        var strings = services.GetRequiredService<Text>();
        (CampaignOutcome Outcome, string Errors, string? Message, string Counts) result = action switch
        {
            "approve" => Outcome(strings, await planning.ApproveAsync(user, id, version, ct)),
            "start" => Outcome(strings, await planning.StartAsync(user, id, ct)),
            "cancel" => Outcome(strings, await planning.CancelAsync(user, id, version, text.Trim(), ct)),
            "close" => Outcome(strings, await planning.CloseAsync(user, id, version, text.Trim(), ct)),
            "split" when services.GetService<ICampaignSplitter>() is { } splitter =>
                Outcome(strings, await splitter.SplitAsync(user, id, ct), s => Counts(s.Test, s.Control)),
            // One click sends at most WebSendLimit due contacts on every message channel (and hands out the agents' and
            // the call list's); what is left waits for the next click, `campaign send` or the nightly run.
            "send" when services.GetService<ICampaignSender>() is { } sender =>
                Outcome(strings, await sender.SendAsync(user, new SendRequest(id, Limit: WebSendLimit), ct), s => Counts(s.Sent + s.Handed, s.Blocked, s.Deferred + s.Failed + s.InDoubt)),
            "attribute" when services.GetService<IResponseAttribution>() is { } attribution =>
                Outcome(strings, await attribution.AttributeAsync(user, id, null, ct), a => Counts(a.Responses, a.RespondersTest, a.RespondersControl)),
            _ => (CampaignOutcome.Conflict, "", "This step is not installed in this build.", ""),
        };
        return result.Outcome switch
        {
            CampaignOutcome.Ok => TypedResults.Redirect($"/campaigns/{id}?done={action}{result.Counts}"),
            CampaignOutcome.NotFound => TypedResults.NotFound(),
            CampaignOutcome.Forbidden => TypedResults.Forbid(),
            CampaignOutcome.Invalid => TypedResults.Redirect($"/campaigns/{id}?error=" + Uri.EscapeDataString(result.Errors)),
            _ => TypedResults.Redirect($"/campaigns/{id}?error=" + Uri.EscapeDataString(result.Message ?? "")),
        };
    }

    /// <summary>A new version of one script while the campaign runs; on an error the typed text comes back in the form.</summary>
    private static async Task<IResult> ReviseScriptAsync(long id, HttpContext http, IServiceProvider services, CancellationToken ct)
    {
        var planning = services.GetRequiredService<ICampaignPlanning>();
        var form = await http.Request.ReadFormAsync(ct);
        string F(string key) => ((string?)form[key] ?? "").Trim();
        var back = $"/campaigns/{id}?rc={Uri.EscapeDataString(F("channel"))}&rl={Uri.EscapeDataString(F("language"))}"
            + $"&rs={Uri.EscapeDataString(F("subject"))}&rb={Uri.EscapeDataString(F("body"))}&rr={Uri.EscapeDataString(F("reason"))}#scripts";
        if (!Enum.TryParse<CampaignChannelKind>(F("channel"), ignoreCase: false, out var channel) || !Enum.IsDefined(channel))
        {
            return TypedResults.Redirect($"{back}&error=" + Uri.EscapeDataString(CampaignErrorText.Say(services.GetRequiredService<Text>(), new("channel.unknown", [F("channel")]))));
        }
        var subject = F("subject");
        var result = await planning.ReviseScriptAsync(HttpCurrentUser.Required(http), id,
            new ScriptRevision(channel, F("language"), subject.Length == 0 ? null : subject, F("body"), F("reason")), ct);
        return Redirected(id, result, "revise", back, services.GetRequiredService<Text>());
    }

    /// <summary>A channel's offer changed while the campaign runs.</summary>
    private static async Task<IResult> ChangeOfferAsync(long id, HttpContext http, IServiceProvider services, CancellationToken ct)
    {
        var planning = services.GetRequiredService<ICampaignPlanning>();
        var form = await http.Request.ReadFormAsync(ct);
        var back = $"/campaigns/{id}?";
        if (!Enum.TryParse<CampaignChannelKind>(form["channel"], ignoreCase: false, out var channel) || !Enum.IsDefined(channel))
        {
            return TypedResults.Redirect($"{back}error=" + Uri.EscapeDataString(CampaignErrorText.Say(services.GetRequiredService<Text>(), new("channel.unknown", [form["channel"].ToString()]))));
        }
        long? offerId = long.TryParse(form["offerId"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var o) ? o : null;
        var result = await planning.ChangeOfferAsync(HttpCurrentUser.Required(http), id, new OfferChange(channel, offerId, ((string?)form["reason"] ?? "").Trim()), ct);
        return Redirected(id, result, "offer", back, services.GetRequiredService<Text>());
    }

    private static IResult Redirected<T>(long id, CampaignResult<T> result, string done, string back, Text text) => result.Outcome switch
    {
        CampaignOutcome.Ok => TypedResults.Redirect($"/campaigns/{id}?done={done}"),
        CampaignOutcome.NotFound => TypedResults.NotFound(),
        CampaignOutcome.Forbidden => TypedResults.Forbid(),
        CampaignOutcome.Invalid => TypedResults.Redirect(back.Replace("#scripts", "", StringComparison.Ordinal) + (back.EndsWith('?') ? "" : "&") + "error="
            + Uri.EscapeDataString(CampaignErrorText.Joined(text, result)) + "#scripts"),
        _ => TypedResults.Redirect($"/campaigns/{id}?error=" + Uri.EscapeDataString(result.Message ?? "")),
    };

    /// <summary>Due contacts one "send now" click sends at most.</summary>
    internal const int WebSendLimit = 5_000;

    /// <summary>How a state change ended, its errors in one line in the page's language.</summary>
    private static (CampaignOutcome Outcome, string Errors, string? Message, string Counts) Outcome<T>(
        Text text, CampaignResult<T> result, Func<T, string>? counts = null) =>
        (result.Outcome, CampaignErrorText.Joined(text, result), result.Message, result.IsOk && counts is not null ? counts(result.Value!) : "");

    /// <summary>The figures the record page's confirmation shows, as query parameters a, b, c.</summary>
    private static string Counts(params int[] figures) =>
        string.Concat(figures.Select((f, i) => FormattableString.Invariant($"&{(char)('a' + i)}={f}")));

    private static async Task<IResult> ExportAsync(long id, ResultFileFormat format, HttpContext http, IServiceProvider services, CancellationToken ct)
    {
        if (services.GetService<ICampaignResults>() is not { } results)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Campaign results are not installed in this build.");
        }
        var user = HttpCurrentUser.Required(http);
        var buffer = new MemoryStream();
        var result = await results.ExportAsync(user, id, format, buffer, ct);
        if (result.IsOk)
        {
            // Aggregates only, but a download all the same: logged with its reason like every other file.
            await services.GetRequiredService<IAccessLog>().RecordAsync(user,
                new AccessEvent(AccessAction.Download, null, DownloadReason.Of(http), $"campaign {id} results.{format.ToString().ToLowerInvariant()}"), ct);
        }
        return result.Outcome switch
        {
            CampaignOutcome.Ok => TypedResults.File(buffer.ToArray(),
                format == ResultFileFormat.Csv ? "text/csv; charset=utf-8" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", result.Value),
            CampaignOutcome.Forbidden => TypedResults.Forbid(),
            _ => TypedResults.NotFound(),
        };
    }

    /// <summary>The DM file of an approved or running campaign for the print vendor, in UTF-8 (with BOM, for Excel) or CP949.</summary>
    private static async Task<IResult> DmAsync(long id, string? charset, HttpContext http, IServiceProvider services, CancellationToken ct)
    {
        DmEncoding? encoding = charset?.Trim().ToLowerInvariant() switch
        {
            null or "" or "utf8" or "utf-8" => DmEncoding.Utf8Bom,
            "cp949" or "euc-kr" => DmEncoding.Cp949,
            _ => null,
        };
        if (encoding is not { } enc)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["charset"] = [$"'{charset}' is not a character set of the DM file: utf8 or cp949."] });
        }
        if (services.GetService<IDmExport>() is not { } export)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The DM export is not installed in this build.");
        }
        var buffer = new MemoryStream();
        var result = await export.WriteAsync(HttpCurrentUser.Required(http), new DmExportRequest(id, DownloadReason.Of(http), enc), buffer, ct);
        return result.Outcome switch
        {
            CampaignOutcome.Ok => TypedResults.File(buffer.ToArray(),
                enc == DmEncoding.Cp949 ? "text/csv; charset=euc-kr" : "text/csv; charset=utf-8", result.Value!.FileName),
            CampaignOutcome.Forbidden => TypedResults.Forbid(),
            // The form is on the record page: a refusal (not approved, no DM channel) is shown there, in words.
            CampaignOutcome.Invalid => TypedResults.Redirect($"/campaigns/{id}?error=" + Uri.EscapeDataString(string.Join(" ", result.Errors.SelectMany(e => e.Value)))),
            CampaignOutcome.Conflict => TypedResults.Redirect($"/campaigns/{id}?error=" + Uri.EscapeDataString(result.Message ?? "")),
            _ => TypedResults.NotFound(),
        };
    }

    private static async Task<IResult> OutcomeAsync(long contactId, HttpContext http, IServiceProvider services, CancellationToken ct)
    {
        if (services.GetService<ICampaignWorkLists>() is not { } lists)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Campaign lists are not installed in this build.");
        }
        var form = await http.Request.ReadFormAsync(ct);
        if (!Enum.TryParse<CallOutcome>(form["outcome"], ignoreCase: false, out var outcome) || !Enum.IsDefined(outcome))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["outcome"] = [$"'{form["outcome"]}' is not an outcome: one of {string.Join(", ", Enum.GetNames<CallOutcome>())}."] });
        }
        var result = await lists.RecordOutcomeAsync(HttpCurrentUser.Required(http), new OutcomeEntry(contactId, outcome), ct);
        // Only our own two lists are places to return to (no open redirect).
        var back = (string?)form["returnTo"] == "/campaigns/mine" ? "/campaigns/mine" : "/campaigns/calls";
        return result.Outcome switch
        {
            CampaignOutcome.Ok => TypedResults.Redirect(back + "?saved=1"),
            CampaignOutcome.Forbidden => TypedResults.Forbid(),
            CampaignOutcome.NotFound => TypedResults.NotFound(),
            _ => TypedResults.Conflict(),
        };
    }

    private static async Task<IResult> UnsubscribeAsync(string token, IServiceProvider services, CancellationToken ct)
    {
        if (services.GetService<IUnsubscribe>() is not { } unsubscribe || !await unsubscribe.ConfirmAsync(token, ct))
        {
            // The token is this post's only proof that it comes from a message we sent: a bad one is refused as forged.
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: AntiforgeryEnforcementMiddleware.RefusedTitle);
        }
        return TypedResults.Redirect("/u/" + Uri.EscapeDataString(token));
    }

    private static async Task<RazorComponentResult<SimulationPanel>> SimulateAsync(long id, HttpContext http, IServiceProvider services, CancellationToken ct)
    {
        if (services.GetService<ICampaignSimulation>() is not { } simulation)
        {
            return new RazorComponentResult<SimulationPanel>(new { Unavailable = true });
        }
        var result = await simulation.SimulateAsync(HttpCurrentUser.Required(http), id, ct);
        if (result.Outcome is CampaignOutcome.NotFound or CampaignOutcome.Forbidden)
        {
            http.Response.StatusCode = result.Outcome == CampaignOutcome.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status403Forbidden;
        }
        return new RazorComponentResult<SimulationPanel>(new
        {
            Result = result.Value,
            Message = result.IsOk ? null : result.Message ?? CampaignErrorText.Joined(services.GetRequiredService<Text>(), result),
        });
    }
}
