using System.Globalization;
using System.Text.Json;
using InsureCrm.Core.Agents;
using InsureCrm.Core.CallCenter.Inbound;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using InsureCrm.Core.Voc.Text;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Voc;

/// <summary>Who wrote, for a voice from someone not (yet) known as a customer: kept encrypted, matched later.</summary>
/// <summary>
/// Who wrote and how to answer them: kept encrypted on the case (<see cref="VocCase.ContactProtected"/>) when the customer is not
/// known, and whenever a postal address is given (a letter's reply goes to the address on the letter, which may not be the one
/// on file).
/// </summary>
public sealed record VocContact(string? Name, string? Phone, string? Email, string? Address = null)
{
    public const int MaxAddressLength = 200;
}

/// <summary>A front-line resolution on the spot (the answer given), within the staff member's authority.</summary>
public sealed record VocSpotResolution(string Answer, bool CallbackDone = false);

/// <summary>
/// A voice to open as a case, from any channel: the staff form, the call center's inbound console, an e-mail, an imported row,
/// the public web form. <see cref="Type"/> null: not classified yet. <see cref="ExternalRef"/> (message-id, regulator reference,
/// file and row) is unique per channel: the same one is never opened twice. <see cref="RegulatorDueAt"/>: a regulator referral's
/// deadline. <see cref="ResolveOnSpot"/>: front-line staff answer it at once (<see cref="VocOptions.FrontLineTypes"/>).
/// </summary>
public sealed record VocIntakeRequest(VocChannel Channel, VocType? Type, string? CategoryCode, VocSeverity Severity, string? Subject, string? Text)
{
    public long? CustomerId { get; init; }
    public long? ContractId { get; init; }
    public string? AgentCode { get; init; }
    public string? ExternalRef { get; init; }
    public DateTimeOffset? ReceivedAt { get; init; }
    public DateTimeOffset? RegulatorDueAt { get; init; }
    public VocContact? Contact { get; init; }
    public decimal? ClaimedAmount { get; init; }
    public long? InboundContactId { get; init; }
    public VocSpotResolution? ResolveOnSpot { get; init; }
}

/// <summary>A field that is wrong: <see cref="Code"/> for the page's words (<c>text.empty</c>...), <see cref="Message"/> in English for files and logs (no personal data).</summary>
public sealed record VocError(string Field, string Code, string Message);

public enum VocIntakeStatus { Opened, Duplicate, Invalid, Forbidden }

/// <summary>The case opened (or the one that already had the external reference), or what was wrong.</summary>
public sealed record VocIntakeResult(VocIntakeStatus Status, long? CaseId = null, string? Number = null, IReadOnlyList<VocError>? Errors = null)
{
    public IReadOnlyList<VocError> ErrorList => Errors ?? [];
}

/// <summary>
/// Opens a VOC case from any channel (the one entry point: forms, console, mail, import, public form): validates the request,
/// keeps an unknown customer's contact encrypted, routes it (<see cref="VocRouting"/>), starts its clocks (<see cref="VocClock"/>),
/// writes the Created and Assigned events and, for a complaint of a known customer, an inbound Complaint interaction so the
/// lapse model's complaint features see it.
/// </summary>
public sealed class VocIntake
{
    public const int MaxTextLength = 20_000;
    public const int MaxSubjectLength = 200;

    private readonly CrmDbContext _db;
    private readonly VocOptions _options;
    private readonly VocClock _clock;
    private readonly FieldProtector _protector;
    private readonly TimeProvider _time;
    private readonly VocClassifierCache _classifiers;
    private readonly CustomerScope _scope;

    // classifiers: the shared model cache (a singleton in the hosts); null gives this intake a cache of its own.
    public VocIntake(CrmDbContext db, VocOptions options, VocClock clock, FieldProtector protector, TimeProvider time, VocClassifierCache? classifiers = null,
        CustomerScope? scope = null)
    {
        _db = db;
        _options = options;
        _clock = clock;
        _protector = protector;
        _time = time;
        _classifiers = classifiers ?? new VocClassifierCache();
        _scope = scope ?? new CustomerScope(db);
    }

    /// <summary>
    /// The front-line roles whose customers are an agent's or a branch's: a case they open may name only a customer (or a
    /// contract of a customer) in their data scope. The call center reaches every customer; the VOC desk and admins take
    /// letters, mail and referrals about anyone, so their cases name the customer the voice is about.
    /// </summary>
    public static bool OpensForOwnCustomersOnly(Role role) => role is Role.Agent or Role.CsConsultant or Role.BranchManager;

    /// <summary>Who opens a case from an inbound contact (the call center's console) or sees its prefill: the call center, the VOC desk, admins.</summary>
    public static bool MayOpenFromInbound(Role role) => role.IsCallCenter() || role is Role.VocHandler or Role.Admin;

    /// <summary>A live customer the user may name on a case (see <see cref="OpensForOwnCustomersOnly"/>).</summary>
    private Task<bool> NameableAsync(long customerId, CrmUser? by, CancellationToken ct)
    {
        var customers = _db.Customers.AsNoTracking().Where(c => c.Id == customerId && c.MergedIntoId == null);
        return (by is not null && OpensForOwnCustomersOnly(by.Role) ? _scope.Filter(customers, by) : customers).AnyAsync(ct);
    }

    /// <summary>Null when a user of <paramref name="role"/> may resolve a voice of this type (and claimed amount) on the spot, else the reason code (<c>frontline.role</c>, <c>frontline.type</c>, <c>frontline.amount</c>).</summary>
    public static string? FrontLineRefusal(VocOptions options, Role role, VocType? type, decimal? claimedAmount)
    {
        if (role is not (Role.Agent or Role.CallCenter or Role.CallCenterSupervisor or Role.CsConsultant or Role.BranchManager))
        {
            return "frontline.role";
        }
        if (type is { } t && options.FrontLineTypes.Contains(t))
        {
            return null;
        }
        if (type == VocType.Complaint)
        {
            return options.FrontLineComplaintLimit > 0 && claimedAmount is { } a && a >= 0 && a <= options.FrontLineComplaintLimit ? null : "frontline.amount";
        }
        return "frontline.type";
    }

    public async Task<VocIntakeResult> OpenAsync(VocIntakeRequest request, CrmUser? by, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (by is not null && !by.Role.Allows(Capability.VocIntake))
        {
            return new(VocIntakeStatus.Forbidden);
        }
        var errors = new List<VocError>();
        var text = request.Text?.Trim() ?? "";
        if (text.Length == 0)
        {
            errors.Add(new("text", "text.empty", "The text is empty: write what the customer said."));
        }
        else if (text.Length > MaxTextLength)
        {
            errors.Add(new("text", "text.too-long", string.Create(CultureInfo.InvariantCulture,
                $"The text has {text.Length:N0} characters; the limit is {MaxTextLength:N0}.")));
        }
        var subject = string.IsNullOrWhiteSpace(request.Subject) ? null : request.Subject.Trim();
        if (subject is { Length: > MaxSubjectLength })
        {
            errors.Add(new("subject", "subject.too-long", $"The subject is longer than {MaxSubjectLength} characters."));
        }
        if (!Enum.IsDefined(request.Channel))
        {
            errors.Add(new("channel", "channel.unknown", "The channel is not one of the VOC channels."));
        }
        if (request.Type is { } type && !Enum.IsDefined(type))
        {
            errors.Add(new("type", "type.unknown", "The type is not one of the VOC types."));
        }
        if (!Enum.IsDefined(request.Severity))
        {
            errors.Add(new("severity", "severity.unknown", "The severity is not one of low, normal, high, critical."));
        }
        var category = string.IsNullOrWhiteSpace(request.CategoryCode) ? null : request.CategoryCode.Trim();
        if (category is not null && !await _db.VocCategories.AnyAsync(c => c.Code == category, ct))
        {
            errors.Add(new("category", "category.unknown", $"The category '{category}' is not in the category tree."));
        }
        if (request.ExternalRef is { Length: > 300 })
        {
            errors.Add(new("externalRef", "ref.too-long", "The external reference is longer than 300 characters."));
        }
        if (request.ClaimedAmount is < 0)
        {
            errors.Add(new("amount", "amount.negative", "The claimed amount must not be negative."));
        }
        var now = _time.GetUtcNow().UtcDateTime;
        var received = request.ReceivedAt?.UtcDateTime ?? now;
        if (request.RegulatorDueAt is { } due && due.UtcDateTime <= received)
        {
            errors.Add(new("regulatorDue", "regulator.due-past", "The regulator's deadline is not after the time the case was received."));
        }
        if (request.Channel == VocChannel.Regulator && request.RegulatorDueAt is null)
        {
            errors.Add(new("regulatorDue", "regulator.due-missing", "A regulator referral needs the regulator's deadline."));
        }
        // Outside the user's scope answers like an unknown customer: the form reveals nothing of customers it may not name.
        if (request.CustomerId is { } customerId && !await NameableAsync(customerId, by, ct))
        {
            errors.Add(new("customer", "customer.unknown", "The customer does not exist, or is not one the user may name."));
        }
        Contract? contract = null;
        if (request.ContractId is { } contractId)
        {
            contract = await _db.Contracts.AsNoTracking().FirstOrDefaultAsync(k => k.Id == contractId, ct);
            if (contract is null || (request.CustomerId is { } cid && contract.CustomerId != cid)
                || (request.CustomerId is null && by is not null && OpensForOwnCustomersOnly(by.Role) && !await NameableAsync(contract.CustomerId, by, ct)))
            {
                errors.Add(new("contract", "contract.unknown", "The contract does not exist or is not the customer's."));
            }
        }
        // The inbound contact the case comes from (the console's "open a VOC case"): it must exist, be the case's customer's, and
        // the user one who works inbound contacts; else the night's sweep would take another customer's complaint as handled.
        if (request.InboundContactId is { } inboundId)
        {
            var inboundCustomer = by is not null && !MayOpenFromInbound(by.Role) ? null
                : await _db.InboundContacts.AsNoTracking().Where(i => i.Id == inboundId).Select(i => (long?)i.CustomerId).FirstOrDefaultAsync(ct);
            if (inboundCustomer is null || (request.CustomerId is { } named && named != inboundCustomer)
                || (request.CustomerId is null && contract is not null && contract.CustomerId != inboundCustomer))
            {
                errors.Add(new("inbound", "inbound.unknown", "The inbound contact does not exist, or is not this customer's."));
            }
        }
        Agent? agent = null;
        if (!string.IsNullOrWhiteSpace(request.AgentCode))
        {
            var code = request.AgentCode.Trim();
            agent = await _db.Agents.AsNoTracking().FirstOrDefaultAsync(a => a.Code == code, ct);
            if (agent is null)
            {
                errors.Add(new("agent", "agent.unknown", $"No agent has the code '{code}'."));
            }
        }
        else if ((contract?.ServicingAgentId ?? contract?.SellingAgentId) is { } contractAgent)
        {
            agent = await _db.Agents.AsNoTracking().FirstOrDefaultAsync(a => a.Id == contractAgent, ct);
        }
        else if (by?.AgentId is { } own)
        {
            agent = await _db.Agents.AsNoTracking().FirstOrDefaultAsync(a => a.Id == own, ct);
        }
        if (request.ResolveOnSpot is { } spot)
        {
            if (by is null)
            {
                errors.Add(new("resolveOnSpot", "frontline.role", "Only signed-in front-line staff resolve on the spot."));
            }
            else if (FrontLineRefusal(_options, by.Role, request.Type, request.ClaimedAmount) is { } refusal)
            {
                errors.Add(new("resolveOnSpot", refusal, refusal switch
                {
                    "frontline.amount" => string.Create(CultureInfo.InvariantCulture,
                        $"A complaint is resolved on the spot only with a claimed amount up to {_options.FrontLineComplaintLimit:N0} KRW: route it."),
                    "frontline.type" => "This type is not resolved on the spot: route it.",
                    _ => "Your role does not resolve cases on the spot: route it.",
                }));
            }
            if (string.IsNullOrWhiteSpace(spot.Answer))
            {
                errors.Add(new("answer", "answer.empty", "Write the answer given to the customer."));
            }
            else if (spot.Answer.Length > MaxTextLength)
            {
                errors.Add(new("answer", "answer.too-long", $"The answer is longer than {MaxTextLength:N0} characters."));
            }
        }
        var contact = request.Contact is { } c0 && (c0.Name ?? c0.Phone ?? c0.Email ?? c0.Address) is not null ? c0 : null;
        if (contact?.Address is { Length: > VocContact.MaxAddressLength })
        {
            errors.Add(new("address", "address.too-long", string.Create(CultureInfo.InvariantCulture,
                $"The postal address is longer than {VocContact.MaxAddressLength} characters.")));
        }
        if (errors.Count > 0)
        {
            return new(VocIntakeStatus.Invalid, Errors: errors);
        }
        var externalRef = string.IsNullOrWhiteSpace(request.ExternalRef) ? null : request.ExternalRef.Trim();
        if (externalRef is not null
            && await _db.VocCases.AsNoTracking().Where(x => x.Channel == request.Channel && x.ExternalRef == externalRef)
                .Select(x => new { x.Id, x.Number }).FirstOrDefaultAsync(ct) is { } existing)
        {
            return new(VocIntakeStatus.Duplicate, existing.Id, existing.Number);
        }

        var routing = new VocRouting(_db, _options);
        var author = by?.UserName ?? "system:" + request.Channel.ToString().ToLowerInvariant();
        // The classifier's suggestion: kept on every case with text to read; used (and marked as suggested) for what the caller left open.
        var suggestion = await SuggestAsync(subject, text, ct);
        var effectiveType = request.Type;
        bool typeSuggested = false, categorySuggested = false;
        if (effectiveType is null && suggestion?.Type is { } st && suggestion.TypeConfidence >= _options.SuggestionThreshold)
        {
            effectiveType = st;
            typeSuggested = true;
        }
        if (category is null && suggestion?.Category is { } sc && suggestion.CategoryConfidence >= _options.SuggestionThreshold)
        {
            category = sc;
            categorySuggested = true;
        }
        var suggested = typeSuggested || categorySuggested;
        var vocCase = new VocCase
        {
            SuggestedType = suggestion?.Type, SuggestedTypeConfidence = suggestion?.TypeConfidence, SuggestedCategoryCode = suggestion?.Category,
            SuggestedCategoryConfidence = suggestion?.CategoryConfidence, ClassificationSuggested = suggested,
            Number = "", Channel = request.Channel, Type = effectiveType, CategoryCode = category, Severity = request.Severity, Subject = subject,
            Text = text, State = VocState.Received, CustomerId = request.CustomerId ?? contract?.CustomerId, ContractId = contract?.Id, ProductId = contract?.ProductId, AgentId = agent?.Id,
            ExternalRef = externalRef, InboundContactId = request.InboundContactId, ClaimedAmount = request.ClaimedAmount,
            ReceivedAt = received, CreatedBy = author, CreatedByUserId = by?.UserId, RegulatorDueAt = request.RegulatorDueAt?.UtcDateTime,
        };
        if (contact is not null && (vocCase.CustomerId is null || contact.Address is not null))
        {
            vocCase.ContactProtected = _protector.Encrypt(JsonSerializer.Serialize(contact));
            var digits = contact.Phone is null || vocCase.CustomerId is not null ? "" : PhoneNumber.Digits(contact.Phone);
            vocCase.ContactPhoneHash = digits.Length >= PhoneNumber.MinDigits ? _protector.Hash(digits) : null;
        }
        await using var tx = await _db.Database.BeginTransactionAsync(ct);
        // Created is when the voice came in (a letter typed in later, an imported row); the routing happened now.
        var events = new List<VocEvent> { new() { Kind = VocEventKind.Created, At = received, By = author, Note = request.Channel.ToString() } };
        if (suggestion is not null)
        {
            events.Add(new()
            {
                Kind = VocEventKind.Suggested, At = now, By = "system:classifier", Note = VocEventNote.OfSuggestion(suggestion.Type, suggestion.TypeConfidence, suggestion.Category, suggestion.CategoryConfidence,
                    suggestion.ModelId, typeSuggested, categorySuggested),
            });
        }
        if (vocCase.CustomerId is { } repeatCustomer && await RepeatOfAsync(repeatCustomer, vocCase, ct) is { } repeat)
        {
            vocCase.RepeatOfId = repeat.Id;
            vocCase.RepeatScore = repeat.Score;
            events.Add(new()
            {
                Kind = VocEventKind.RepeatLinked, At = now, By = "system:repeats",
                Note = VocEventNote.OfRepeat(repeat.Number, repeat.Score),
            });
        }
        if (request.ResolveOnSpot is { } onSpot && by is not null)
        {
            var receiving = by.BranchId is { } b && request.Channel is VocChannel.Branch or VocChannel.Agent
                ? (await routing.BranchDepartmentAsync(b, ct))?.Id
                : (await routing.DepartmentAsync(_options.ReceivingByChannel.GetValueOrDefault(request.Channel, _options.DefaultDepartment), ct)).Id;
            vocCase.ReceivingDepartmentId = vocCase.ManagingDepartmentId = vocCase.OriginatingDepartmentId = receiving;
            vocCase.OwnerUserId = by.UserId;
            vocCase.FrontLine = true;
            vocCase.RoutingNote = VocRoutingNote.FrontLine;
            vocCase.State = VocState.Resolved;
            vocCase.Answer = onSpot.Answer.Trim();
            vocCase.CallbackDone = onSpot.CallbackDone;
            vocCase.FirstRespondedAt = vocCase.ResolvedAt = now;
            vocCase.ResolvedBy = by.UserName;
            events.Add(new() { Kind = VocEventKind.Resolved, At = now, By = author, ToUserId = by.UserId, Note = "front-line" });
        }
        else
        {
            var route = await routing.RouteAsync(request.Channel, effectiveType, category, request.Severity, agent?.BranchId, by, ct);
            vocCase.ReceivingDepartmentId = route.Receiving;
            vocCase.ManagingDepartmentId = route.Managing;
            vocCase.OriginatingDepartmentId = route.Originating;
            vocCase.OwnerUserId = route.Owner;
            vocCase.RoutingNote = route.Note;
            vocCase.State = route.Owner is null ? VocState.Received : VocState.Assigned;
            _clock.Start(vocCase, received);
            events.Add(new() { Kind = VocEventKind.Assigned, At = now, By = author, ToDepartmentId = route.Managing, ToUserId = route.Owner, Note = route.Note });
        }
        _db.VocCases.Add(vocCase);
        await _db.SaveChangesAsync(ct);
        vocCase.Number = NumberOf(received, vocCase.Id);
        foreach (var e in events)
        {
            e.CaseId = vocCase.Id;
            _db.VocEvents.Add(e);
        }
        if (vocCase.Type == VocType.Complaint && vocCase.CustomerId is { } customer && request.InboundContactId is null)
        {
            // The console's own inbound interaction already counts a complaint logged there.
            _db.Interactions.Add(new Interaction
            {
                CustomerId = customer, OccurredAt = received, Channel = InteractionChannelOf(request.Channel), Direction = InteractionDirection.Inbound,
                Purpose = InteractionPurpose.Complaint, Outcome = vocCase.FrontLine ? InteractionOutcome.Completed : InteractionOutcome.FollowUp,
                StaffUser = by?.UserName, Notes = vocCase.Number, SourceKey = "voc:" + vocCase.Number,
            });
        }
        await _db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new(VocIntakeStatus.Opened, vocCase.Id, vocCase.Number);
    }

    private sealed record Suggestion(long ModelId, VocType? Type, double TypeConfidence, string? Category, double CategoryConfidence);

    /// <summary>The current model's suggestion, or null without a model or without text to read (tags or spaces only).</summary>
    private async Task<Suggestion?> SuggestAsync(string? subject, string text, CancellationToken ct)
    {
        if (await _classifiers.CurrentAsync(_db, ct) is not { } model)
        {
            return null;
        }
        var s = model.Model.Suggest(VocClassifier.Compose(subject, text));
        if (!s.HasText)
        {
            return null;
        }
        var category = await _db.VocCategories.AnyAsync(c => c.Code == s.Category, ct) ? s.Category : null;
        return new Suggestion(model.Id, VocLearning.TypeOf(s.Type), s.TypeConfidence, category, s.CategoryConfidence);
    }

    private sealed record Repeat(long Id, string Number, double Score);

    /// <summary>
    /// The earlier case of the same customer (any channel, within <see cref="VocOptions.RepeatDays"/>) this one repeats, scored by
    /// <see cref="VocRepeatMatcher"/> on text, contract and category; null below <see cref="VocOptions.RepeatThreshold"/>.
    /// </summary>
    private async Task<Repeat?> RepeatOfAsync(long customerId, VocCase current, CancellationToken ct)
    {
        var from = current.ReceivedAt.AddDays(-_options.RepeatDays);
        var earlier = await _db.VocCases.AsNoTracking()
            .Where(c => c.CustomerId == customerId && c.ReceivedAt >= from && c.ReceivedAt <= current.ReceivedAt)
            .OrderByDescending(c => c.ReceivedAt).Take(50)
            .Select(c => new { c.Id, c.Number, c.Subject, c.Text, c.ContractId, c.CategoryCode, c.SuggestedCategoryCode, c.ReceivedAt })
            .ToListAsync(ct);
        if (earlier.Count == 0)
        {
            return null;
        }
        // The new case is not saved yet: it has no id, and "new" never equals an earlier case's id.
        var mine = VocRepeats.Of("new", customerId, current.ContractId, current.CategoryCode ?? current.SuggestedCategoryCode, current.Subject, current.Text,
            current.ReceivedAt);
        var match = VocRepeats.Matcher(_options).Match(mine, earlier.Select(e => VocRepeats.Of(e.Id.ToString(CultureInfo.InvariantCulture), customerId,
            e.ContractId, e.CategoryCode ?? e.SuggestedCategoryCode, e.Subject, e.Text, e.ReceivedAt)));
        if (match is not { Linked: true })
        {
            return null;
        }
        var id = long.Parse(match.EarlierId, CultureInfo.InvariantCulture);
        return new Repeat(id, earlier.Single(e => e.Id == id).Number, match.Score);
    }

    /// <summary>VOC-yyyy-nnnnnn: the year received (Seoul) and the case id.</summary>
    public static string NumberOf(DateTime receivedUtc, long id) =>
        string.Create(CultureInfo.InvariantCulture, $"VOC-{receivedUtc.AddHours(9):yyyy}-{id:000000}");

    /// <summary>The contact-history channel of a VOC channel (paper and the regulator as mail, the web's channels as web).</summary>
    public static InteractionChannel InteractionChannelOf(VocChannel channel) => channel switch
    {
        VocChannel.CallCenter => InteractionChannel.CallCenter,
        VocChannel.Branch => InteractionChannel.Branch,
        VocChannel.Agent => InteractionChannel.Visit,
        VocChannel.Email => InteractionChannel.Email,
        VocChannel.Letter or VocChannel.Fax or VocChannel.Postcard or VocChannel.Regulator => InteractionChannel.Dm,
        _ => InteractionChannel.Web,
    };
}
