using System.Globalization;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using InsureCrm.Core.Voc.Text;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Voc;

/// <summary>Precision and recall of the stored repeat links on generated cases whose planted repeats are known.</summary>
/// <param name="Cases">Generated cases looked at.</param>
/// <param name="Repeats">Cases that truly repeat an earlier case of the same customer within the window (same matter).</param>
/// <param name="Linked">Cases linked as repeats.</param>
/// <param name="Correct">Links to an earlier case of the same matter.</param>
internal sealed record DemoRepeatFigures(int Cases, int Repeats, int Linked, int Correct)
{
    public double Precision => Linked == 0 ? 1 : (double)Correct / Linked;
    public double Recall => Repeats == 0 ? 1 : (double)Correct / Repeats;
}

/// <summary>
/// The demo insurer's year of VOC: a few thousand cases over the last 12 months written by <see cref="VocTextGenerator"/>
/// (Korean mostly, some English and Chinese; planted repeats through other channels and near misses), filed under the
/// category tree (<see cref="VocTreeCodes"/>) and tied to real demo customers, contracts and agents by what happened to
/// them: a customer with an unpaid or slowly paid claim writes about claims, one with a lapsed contract about payments,
/// compliments and conduct cases name the contract's agent. Routing follows the rules, clocks the business calendar;
/// most older cases are resolved with an answer, a cause, a gap tag and often a satisfaction score, some breached, the
/// recent ones partly open (some not classified yet: the classifier suggests for them), regulator referrals on the
/// regulator's 14 days. Repeat links are made by the same matcher intake uses. Written in bulk (one transaction), with
/// the matter of each case in its external reference (<c>demo-gen:ID:MATTER</c>) so the links can be measured.
/// </summary>
internal sealed class DemoVocCases(CrmDatabase database, VocOptions options, VocClock clock, TimeProvider time)
{
    public const string RefPrefix = "demo-gen:";
    public const int DefaultCount = 3000;
    private const int Seed = 2016;

    private sealed record Holding(long ContractId, long CustomerId, ContractStatus Status, long? AgentId, long ProductId);

    private static readonly Dictionary<string, VocChannel> Channels = new(StringComparer.Ordinal)
    {
        [VocTextGenerator.Phone] = VocChannel.CallCenter,
        [VocTextGenerator.Web] = VocChannel.WebForm,
        [VocTextGenerator.Email] = VocChannel.Email,
        [VocTextGenerator.Branch] = VocChannel.Branch,
        [VocTextGenerator.Letter] = VocChannel.Letter,
        [VocTextGenerator.Regulator] = VocChannel.Regulator,
        [VocTextGenerator.Survey] = VocChannel.Survey,
        [VocTextGenerator.Internal] = VocChannel.Internal,
    };

    private static readonly Dictionary<string, (string Answer, VocCause[] Causes)> Answers = new(StringComparer.Ordinal)
    {
        ["claims"] = ("청구 건의 심사 경위와 지급 일정을 확인하여 고객에게 안내하고 처리 결과를 통지했습니다.", [VocCause.Process, VocCause.ThirdParty, VocCause.CustomerMisunderstanding]),
        ["payment"] = ("납입·출금 내역을 확인해 오류분을 정정하고 환급 또는 재청구 일정을 안내했습니다.", [VocCause.System, VocCause.Process, VocCause.Communication]),
        ["product"] = ("약관과 상품설명서의 해당 조항을 설명하고 가능한 변경 방법을 안내했습니다.", [VocCause.ProductTerms, VocCause.Communication, VocCause.CustomerMisunderstanding]),
        ["agent"] = ("담당 설계사와 지점장 면담으로 경위를 확인하고 담당자 변경과 재발 방지 교육을 진행했습니다.", [VocCause.StaffConduct, VocCause.Communication]),
        ["misselling"] = ("판매 과정 녹취와 서류를 확인하고 준법감시 검토 결과(계약 취소 또는 유지 선택)를 안내했습니다.", [VocCause.StaffConduct, VocCause.Communication, VocCause.ProductTerms]),
        ["privacy"] = ("수신 거부와 정보 처리 내역을 확인하여 조치하고 결과를 안내했습니다.", [VocCause.System, VocCause.Process]),
        ["service"] = ("응대 경위를 확인해 사과드리고 처리 절차 개선 사항을 안내했습니다.", [VocCause.Process, VocCause.System, VocCause.StaffConduct]),
        ["internal"] = ("제안 내용을 업무 개선 과제로 등록하고 담당 부서 검토 결과를 회신했습니다.", [VocCause.Process, VocCause.System]),
    };

    /// <summary>Writes the generated cases unless some exist; returns how many were written.</summary>
    public async Task<int> EnsureAsync(int count, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var random = new Random(Seed);
        List<Holding> holdings;
        List<Holding> claimPool;
        Dictionary<string, long> departments;
        Dictionary<long, (long UserId, string UserName)> owners;
        long firstId;
        await using (var db = database.CreateContext())
        {
            if (await db.VocCases.AnyAsync(c => c.ExternalRef != null && c.ExternalRef.StartsWith(RefPrefix), ct))
            {
                return 0;
            }
            holdings = await (from k in db.Contracts.AsNoTracking()
                              join c in db.Customers.AsNoTracking() on k.CustomerId equals c.Id
                              where c.MergedIntoId == null
                              orderby k.Id
                              select new Holding(k.Id, k.CustomerId, k.Status, k.ServicingAgentId ?? k.SellingAgentId, k.ProductId)).Take(100_000).ToListAsync(ct);
            if (holdings.Count == 0)
            {
                return 0;
            }
            var since = DateOnly.FromDateTime(now.AddDays(-400));
            var claims = await db.Claims.AsNoTracking().Where(c => c.ClaimDate >= since)
                .Select(c => new { c.ContractId, c.ClaimDate, c.PaidDate }).ToListAsync(ct);
            // Unpaid (denied or pending) or paid more than two weeks after the claim: the customers who complain about claims.
            var troubled = claims.Where(c => c.PaidDate is not { } paid || paid.DayNumber - c.ClaimDate.DayNumber > 14).Select(c => c.ContractId).ToHashSet();
            claimPool = holdings.Where(h => troubled.Contains(h.ContractId)).ToList();
            departments = await db.VocDepartments.AsNoTracking().Where(d => d.BranchId == null).ToDictionaryAsync(d => d.Code, d => d.Id, ct);
            var members = await (from m in db.VocDepartmentMembers.AsNoTracking()
                                 join u in db.Users.AsNoTracking() on m.UserId equals u.Id
                                 orderby m.UserId
                                 select new { m.DepartmentId, m.UserId, u.UserName }).ToListAsync(ct);
            owners = members.GroupBy(m => m.DepartmentId).ToDictionary(g => g.Key, g => (g.First().UserId, g.First().UserName));
            firstId = (await db.VocCases.MaxAsync(c => (long?)c.Id, ct) ?? 0) + 1;
        }
        var lapsePool = holdings.Where(h => h.Status is ContractStatus.Lapsed or ContractStatus.Surrendered).ToList();
        var agentPool = holdings.Where(h => h.AgentId is not null).ToList();
        var byCustomer = holdings.GroupBy(h => h.CustomerId).ToDictionary(g => g.Key, g => g.ToList());

        var records = VocTextGenerator.Generate(new VocTextGeneration(count, Seed, new DateTimeOffset(now.AddDays(-365), TimeSpan.Zero), Days: 365));
        var customerOf = new Dictionary<string, Holding>(StringComparer.Ordinal);
        var contractOf = new Dictionary<string, Holding>(StringComparer.Ordinal);
        var used = new HashSet<long>();
        var cases = new List<VocCase>(records.Count);
        var events = new List<VocEvent>(records.Count * 4);
        var earlier = new Dictionary<long, List<(VocRepeatCase Case, VocCase Row)>>();
        var matcher = VocRepeats.Matcher(options);
        foreach (var r in records)
        {
            var received = r.ReceivedAt.UtcDateTime;
            if (received > now.AddHours(-1))
            {
                continue;
            }
            var channel = Channels[r.Channel];
            Holding? contract = null;
            if (channel != VocChannel.Internal)
            {
                if (!customerOf.TryGetValue(r.CustomerKey, out var first))
                {
                    var pool = VocLabels.Parent(r.Category) switch
                    {
                        "claims" when claimPool.Count > 0 && random.NextDouble() < 0.8 => claimPool,
                        "payment" when lapsePool.Count > 0 && random.NextDouble() < 0.7 => lapsePool,
                        "agent" or "compliment" when agentPool.Count > 0 => agentPool,
                        _ => holdings,
                    };
                    first = pool[random.Next(pool.Count)];
                    for (var attempt = 0; attempt < 5 && used.Contains(first.CustomerId); attempt++)
                    {
                        first = pool[random.Next(pool.Count)];
                    }
                    used.Add(first.CustomerId);
                    customerOf[r.CustomerKey] = first;
                    if (r.ContractNo is not null)
                    {
                        contractOf[r.ContractNo] = first;
                    }
                }
                contract = first;
                if (r.ContractNo is not null && !contractOf.TryGetValue(r.ContractNo, out contract))
                {
                    // Another contract of the same customer: the next one they hold, else the same.
                    var theirs = byCustomer[first.CustomerId];
                    contract = theirs[contractOf.Values.Count(h => h.CustomerId == first.CustomerId) % theirs.Count];
                    contractOf[r.ContractNo] = contract;
                }
            }
            var id = firstId + cases.Count;
            var c = Build(random, r, id, channel, contract, received, now, departments, owners, events);
            if (contract is not null)
            {
                if (!earlier.TryGetValue(contract.CustomerId, out var mine))
                {
                    earlier[contract.CustomerId] = mine = [];
                }
                var probe = VocRepeats.Of(id.ToString(CultureInfo.InvariantCulture), contract.CustomerId, c.ContractId, c.CategoryCode, c.Subject, c.Text, received);
                if (matcher.Match(probe, mine.Select(m => m.Case)) is { Linked: true } match)
                {
                    var of = mine.Single(m => m.Case.Id == match.EarlierId).Row;
                    c.RepeatOfId = of.Id;
                    c.RepeatScore = match.Score;
                    events.Add(new VocEvent
                    {
                        CaseId = id, Kind = VocEventKind.RepeatLinked, At = received, By = "system:repeats",
                        Note = VocEventNote.OfRepeat(of.Number, match.Score),
                    });
                    if (c.Satisfaction is { } s)
                    {
                        c.Satisfaction = Math.Max(1, s - 1);
                    }
                }
                mine.Add((probe, c));
            }
            cases.Add(c);
        }
        await WriteAsync(cases, events, ct);
        return cases.Count;
    }

    private VocCase Build(Random random, VocTextRecord r, long id, VocChannel channel, Holding? contract, DateTime received, DateTime now,
        Dictionary<string, long> departments, Dictionary<long, (long UserId, string UserName)> owners, List<VocEvent> events)
    {
        var type = VocLearning.TypeOf(r.Type) ?? VocType.Complaint;
        var category = VocTreeCodes.Of(r.Category);
        var parent = VocLabels.Parent(category);
        var severity = type switch
        {
            VocType.Report => VocSeverity.High,
            VocType.Complaint when channel == VocChannel.Regulator || parent is "misselling" || category == "privacy.leak" => VocSeverity.High,
            VocType.Complaint => random.NextDouble() < 0.1 ? VocSeverity.High : VocSeverity.Normal,
            _ => VocSeverity.Low,
        };
        var age = now - received;
        // Recent cases are partly not classified yet (a mail, a web form): the classifier's suggestion is shown for them.
        var classified = age.TotalDays > 30 || random.NextDouble() < 0.75;
        var (managingCode, note) = VocRouting.Managing(options, channel, classified ? type : null, classified ? category : null, severity);
        var managing = departments.GetValueOrDefault(managingCode, departments.GetValueOrDefault(options.DefaultDepartment));
        var receiving = departments.GetValueOrDefault(options.ReceivingByChannel.GetValueOrDefault(channel, options.DefaultDepartment), managing);
        var owner = owners.TryGetValue(managing, out var o) ? o : ((long UserId, string UserName)?)null;
        var c = new VocCase
        {
            Id = id, Number = VocIntake.NumberOf(received, id), Channel = channel, Type = classified ? type : null, CategoryCode = classified ? category : null,
            Severity = severity, Subject = r.Subject.Length > VocIntake.MaxSubjectLength ? r.Subject[..VocIntake.MaxSubjectLength] : r.Subject, Text = r.Text,
            CustomerId = contract?.CustomerId, ContractId = contract?.ContractId, ProductId = contract?.ProductId, AgentId = contract?.AgentId,
            ExternalRef = string.Create(CultureInfo.InvariantCulture, $"{RefPrefix}{r.Id}:{r.MatterKey}"),
            ReceivingDepartmentId = receiving == 0 ? null : receiving, ManagingDepartmentId = managing == 0 ? null : managing,
            OriginatingDepartmentId = managing == 0 ? null : managing, OwnerUserId = owner?.UserId,
            RoutingNote = VocRoutingNote.Join(note, owner is null ? VocRoutingNote.OwnerNone : VocRoutingNote.OwnerFewest(0)),
            ReceivedAt = received, CreatedBy = "system:" + channel.ToString().ToLowerInvariant(),
            RegulatorDueAt = channel == VocChannel.Regulator ? received.AddDays(14) : null,
            State = owner is null ? VocState.Received : VocState.Assigned,
        };
        clock.Start(c, received);
        events.Add(new VocEvent { CaseId = id, Kind = VocEventKind.Created, At = received, By = c.CreatedBy, Note = channel.ToString() });
        events.Add(new VocEvent { CaseId = id, Kind = VocEventKind.Assigned, At = received, By = c.CreatedBy, ToDepartmentId = c.ManagingDepartmentId, ToUserId = c.OwnerUserId, Note = c.RoutingNote });
        if (owner is not { } handler)
        {
            return c;
        }
        // Cases older than a quarter are all resolved (a desk does not leave a voice open for a year); of the quarter's older two
        // months nearly all, a small overdue backlog; of the last month's, the older the likelier, up to nine in ten after ten
        // days (most within their clock: a desk that works, with some breaches to show).
        var draw = random.NextDouble();
        var resolved = age.TotalDays > 90 || (age.TotalDays > 30 ? draw < 0.96 : draw < Math.Min(0.9, age.TotalDays / 10 * 0.9));
        var firstDue = c.FirstResponseDueAt ?? received.AddHours(4);
        if (resolved || random.NextDouble() < 0.6)
        {
            var responded = received + TimeSpan.FromTicks((long)((firstDue - received).Ticks * random.NextDouble() * 1.1));
            c.FirstRespondedAt = responded < now ? responded : now;
            c.State = VocState.InProgress;
            events.Add(new VocEvent { CaseId = id, Kind = VocEventKind.FirstResponse, At = c.FirstRespondedAt.Value, By = handler.UserName, Note = "고객에게 접수 사실과 처리 일정을 안내함" });
        }
        if (!resolved)
        {
            if (c.FirstRespondedAt is { } at && random.NextDouble() < 0.08)
            {
                clock.Pause(c, at.AddHours(1) < now ? at.AddHours(1) : now);
                c.State = VocState.WaitingForCustomer;
                events.Add(new VocEvent { CaseId = id, Kind = VocEventKind.Paused, At = c.PausedAt!.Value, By = handler.UserName, Note = "고객 서류 회신 대기" });
            }
            return c;
        }
        var due = c.ResolutionDueAt ?? received.AddDays(5);
        var done = received + TimeSpan.FromTicks((long)((due - received).Ticks * (0.2 + random.NextDouble() * 1.0)));
        c.ResolvedAt = done < now ? done : now;
        c.Breached = c.ResolvedAt > due;
        if (c.Breached)
        {
            c.WarnedAt = c.WarnAt;
            c.EscalatedAt = due;
        }
        else if (c.WarnAt is { } warn && c.ResolvedAt > warn)
        {
            c.WarnedAt = warn;
        }
        var (answer, causes) = Answers.GetValueOrDefault(parent, Answers["service"]);
        c.State = VocState.Resolved;
        c.ResolvedBy = handler.UserName;
        c.Answer = type == VocType.Compliment ? "칭찬 내용을 해당 직원과 소속 부서에 전달하고 감사 인사를 드렸습니다." : answer;
        c.CallbackDone = random.NextDouble() < 0.7;
        if (type is VocType.Complaint or VocType.Report or VocType.Suggestion)
        {
            c.Cause = causes[random.Next(causes.Length)];
            c.CauseText = "담당 부서 확인 결과";
            c.Gap = c.Cause switch
            {
                VocCause.StaffConduct => ServiceGap.Delivery,
                VocCause.Communication => ServiceGap.Communication,
                VocCause.ProductTerms => ServiceGap.Design,
                VocCause.CustomerMisunderstanding => ServiceGap.Expectations,
                VocCause.System => ServiceGap.Design,
                _ => random.Next(2) == 0 ? ServiceGap.Delivery : ServiceGap.Expectations,
            };
        }
        events.Add(new VocEvent { CaseId = id, Kind = VocEventKind.Resolved, At = c.ResolvedAt.Value, By = handler.UserName, ToUserId = handler.UserId });
        if (random.NextDouble() < 0.6)
        {
            c.Satisfaction = type == VocType.Compliment ? 5 : Math.Clamp(c.Breached ? random.Next(1, 4) : random.Next(3, 6), 1, 5);
        }
        if (c.ResolvedAt.Value.AddDays(3) < now && random.NextDouble() < 0.85)
        {
            c.ClosedAt = c.ResolvedAt.Value.AddDays(3);
            c.State = VocState.Closed;
            events.Add(new VocEvent { CaseId = id, Kind = VocEventKind.Closed, At = c.ClosedAt.Value, By = handler.UserName });
        }
        return c;
    }

    private static readonly BulkTable CaseTable = new("voc_case",
        ("id", typeof(long)), ("number", typeof(string)), ("channel", typeof(string)), ("type", typeof(string)), ("category_code", typeof(string)),
        ("severity", typeof(string)), ("subject", typeof(string)), ("text", typeof(string)), ("state", typeof(string)), ("customer_id", typeof(long)),
        ("contract_id", typeof(long)), ("product_id", typeof(long)), ("agent_id", typeof(long)), ("external_ref", typeof(string)), ("receiving_department_id", typeof(long)),
        ("managing_department_id", typeof(long)), ("originating_department_id", typeof(long)), ("owner_user_id", typeof(long)),
        ("routing_note", typeof(string)), ("received_at", typeof(DateTime)), ("created_by", typeof(string)), ("regulator_due_at", typeof(DateTime)),
        ("first_response_due_at", typeof(DateTime)), ("first_responded_at", typeof(DateTime)), ("resolution_due_at", typeof(DateTime)),
        ("warn_at", typeof(DateTime)), ("paused_at", typeof(DateTime)), ("first_response_minutes_left", typeof(int)), ("resolution_minutes_left", typeof(int)),
        ("warn_minutes_left", typeof(int)), ("warned_at", typeof(DateTime)), ("escalated_at", typeof(DateTime)), ("breached", typeof(bool)),
        ("answer", typeof(string)), ("callback_done", typeof(bool)), ("cause", typeof(string)), ("cause_text", typeof(string)), ("gap", typeof(string)),
        ("satisfaction", typeof(int)), ("front_line", typeof(bool)), ("resolved_at", typeof(DateTime)), ("resolved_by", typeof(string)),
        ("closed_at", typeof(DateTime)), ("repeat_of_id", typeof(long)), ("repeat_score", typeof(double)), ("classification_suggested", typeof(bool)),
        ("version", typeof(int)));

    private static readonly BulkTable EventTable = new("voc_event",
        ("case_id", typeof(long)), ("kind", typeof(string)), ("at", typeof(DateTime)), ("by", typeof(string)), ("to_department_id", typeof(long)),
        ("to_user_id", typeof(long)), ("note", typeof(string)));

    private async Task WriteAsync(List<VocCase> cases, List<VocEvent> events, CancellationToken ct)
    {
        await using var writer = await BulkWriter.BeginAsync(database, ct);
        await writer.WriteAsync(CaseTable, cases.Select(c => new object?[]
        {
            c.Id, c.Number, c.Channel, c.Type, c.CategoryCode, c.Severity, c.Subject, c.Text, c.State, c.CustomerId, c.ContractId, c.ProductId, c.AgentId,
            c.ExternalRef, c.ReceivingDepartmentId, c.ManagingDepartmentId, c.OriginatingDepartmentId, c.OwnerUserId, c.RoutingNote, c.ReceivedAt,
            c.CreatedBy, c.RegulatorDueAt, c.FirstResponseDueAt, c.FirstRespondedAt, c.ResolutionDueAt, c.WarnAt, c.PausedAt, c.FirstResponseMinutesLeft,
            c.ResolutionMinutesLeft, c.WarnMinutesLeft, c.WarnedAt, c.EscalatedAt, c.Breached, c.Answer, c.CallbackDone, c.Cause, c.CauseText, c.Gap,
            c.Satisfaction, c.FrontLine, c.ResolvedAt, c.ResolvedBy, c.ClosedAt, c.RepeatOfId, c.RepeatScore, c.ClassificationSuggested, 0,
        }).ToList(), ct);
        await writer.ResetIdentityAsync("voc_case", ct);
        await writer.WriteAsync(EventTable, events.OrderBy(e => e.CaseId).ThenBy(e => e.At).Select(e => new object?[]
        {
            e.CaseId, e.Kind, e.At, e.By, e.ToDepartmentId, e.ToUserId, e.Note,
        }).ToList(), ct);
        await writer.CommitAsync(ct);
    }

    /// <summary>
    /// The stored repeat links of the generated cases against their planted truth: a case truly repeats when an earlier case of
    /// the same customer about the same matter came in within <see cref="VocOptions.RepeatDays"/>; a link is correct when
    /// it points at a case of the same matter.
    /// </summary>
    public static async Task<DemoRepeatFigures> EvaluateRepeatsAsync(CrmDbContext db, VocOptions options, CancellationToken ct)
    {
        var rows = await db.VocCases.AsNoTracking().Where(c => c.ExternalRef != null && c.ExternalRef.StartsWith(RefPrefix) && c.CustomerId != null)
            .Select(c => new { c.Id, c.CustomerId, c.ReceivedAt, c.ExternalRef, c.RepeatOfId }).ToListAsync(ct);
        var matter = rows.ToDictionary(r => r.Id, r => r.ExternalRef![(r.ExternalRef!.LastIndexOf(':') + 1)..]);
        int repeats = 0, linked = 0, correct = 0;
        foreach (var customer in rows.GroupBy(r => r.CustomerId))
        {
            var ordered = customer.OrderBy(r => r.ReceivedAt).ThenBy(r => r.Id).ToList();
            for (var i = 0; i < ordered.Count; i++)
            {
                var c = ordered[i];
                if (ordered.Take(i).Any(e => matter[e.Id] == matter[c.Id] && e.ReceivedAt >= c.ReceivedAt.AddDays(-options.RepeatDays)))
                {
                    repeats++;
                }
                if (c.RepeatOfId is { } of && matter.TryGetValue(of, out var theirs))
                {
                    linked++;
                    correct += theirs == matter[c.Id] ? 1 : 0;
                }
            }
        }
        return new DemoRepeatFigures(rows.Count, repeats, linked, correct);
    }

    public static string Describe(DemoRepeatFigures f) => string.Create(CultureInfo.InvariantCulture,
        $"Repeats on {f.Cases:N0} generated cases of known customers: {f.Repeats:N0} planted repeats, {f.Linked:N0} linked, {f.Correct:N0} correctly: precision {f.Precision:P1}, recall {f.Recall:P1}.");
}
