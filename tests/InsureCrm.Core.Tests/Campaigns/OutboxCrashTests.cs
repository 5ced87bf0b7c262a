using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Campaigns.Execution;
using InsureCrm.Core.Common;
using InsureCrm.Tests;
using MailKit.Net.Smtp;
using MimeKit;
using Microsoft.EntityFrameworkCore;
using static InsureCrm.Core.Tests.Campaigns.EmailSendTests;

namespace InsureCrm.Core.Tests.Campaigns;

/// <summary>At most once: a transport that fails mid-run, or a run that stops holding a batch, never makes a customer get a message twice.</summary>
public sealed class OutboxCrashTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SendAsync_TransportFailsAfterK_RerunSendsExactlyTheRest_AndTheOneInDoubtOnlyOnPurpose(DatabaseProvider provider)
    {
        var (host, port, maildir) = Smtp();
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var domain = $"t-{Guid.NewGuid():N}.example";
        var seed = await Seed.CampaignAsync(ctx, domain, extraConsented: 5);
        var options = Seed.Options(host, port);
        var real = new EmailTransportFactory(options);

        var crashed = await Seed.Sender(ctx, db, new FailingAfter(real, 2), options).SendAsync(Marketer, new SendRequest(seed.CampaignId));
        crashed.Value!.Sent.ShouldBe(2);
        crashed.Value.InDoubt.ShouldBe(1);
        Seed.Received(maildir, domain).Count.ShouldBe(2);

        var rerun = await Seed.Sender(ctx, db, real, options).SendAsync(Marketer, new SendRequest(seed.CampaignId));
        var consented = seed.ConsentedCustomers.Count;
        rerun.Value!.Sent.ShouldBe(consented - 3);
        var afterRerun = Seed.Received(maildir, domain);
        afterRerun.Count.ShouldBe(consented - 1);
        afterRerun.Select(m => m.MessageId).Distinct().Count().ShouldBe(afterRerun.Count);
        var inDoubt = await ctx.CampaignContacts.AsNoTracking().SingleAsync(c => c.State == CampaignContactState.InDoubt);

        var retried = await Seed.Sender(ctx, db, real, options).SendAsync(Marketer, new SendRequest(seed.CampaignId, RetryInDoubt: true));
        retried.Value!.Sent.ShouldBe(1);
        var all = Seed.Received(maildir, domain);
        all.Count.ShouldBe(consented);
        all.Count(m => m.MessageId == $"cmp-{seed.CampaignId}-{inDoubt.Id}@insurecrm.example").ShouldBe(1);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SendAsync_RunStoppedHoldingABatch_LeavesItInDoubtAfterTheLease_NeverResent(DatabaseProvider provider)
    {
        var (host, port, maildir) = Smtp();
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var domain = $"t-{Guid.NewGuid():N}.example";
        var seed = await Seed.CampaignAsync(ctx, domain, extraConsented: 3);
        var options = Seed.Options(host, port);
        var clock = new Fixed(Noon);
        using var cancel = new CancellationTokenSource();
        var stopping = new FailingAfter(new EmailTransportFactory(options), 1, cancel);

        await Should.ThrowAsync<OperationCanceledException>(() => Seed.Sender(ctx, db, stopping, options, clock).SendAsync(Marketer, new SendRequest(seed.CampaignId), cancel.Token));
        ctx.ChangeTracker.Clear();
        var held = await ctx.CampaignContacts.CountAsync(c => c.State == CampaignContactState.Sending);
        held.ShouldBe(options.Sending.BatchSize);

        clock.Now = Noon + options.Sending.Lease + TimeSpan.FromSeconds(1);
        var next = await Seed.Sender(ctx, db, new EmailTransportFactory(options), options, clock).SendAsync(Marketer, new SendRequest(seed.CampaignId));

        next.Value!.InDoubt.ShouldBe(held);
        next.Value.Sent.ShouldBe(seed.ConsentedCustomers.Count - held);
        var mails = Seed.Received(maildir, domain);
        mails.Select(m => m.MessageId).Distinct().Count().ShouldBe(mails.Count);
        mails.Count.ShouldBe(seed.ConsentedCustomers.Count - held + 1);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SendAsync_ServerRefusesOneRecipientForGood_FailsThatContactAsABounce_AndSendsTheRest(DatabaseProvider provider)
    {
        var (host, port, maildir) = Smtp();
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var domain = $"t-{Guid.NewGuid():N}.example";
        var seed = await Seed.CampaignAsync(ctx, domain, extraConsented: 2);
        var options = Seed.Options(host, port);

        var run = await Seed.Sender(ctx, db, new RefusingRecipient(new EmailTransportFactory(options), "en@" + domain), options)
            .SendAsync(Marketer, new SendRequest(seed.CampaignId));

        run.Value!.Failed.ShouldBe(1);
        run.Value.InDoubt.ShouldBe(0, "a refused recipient was certainly not sent to: the run goes on");
        run.Value.Sent.ShouldBe(seed.ConsentedCustomers.Count - 1);
        Seed.Received(maildir, domain).Count.ShouldBe(seed.ConsentedCustomers.Count - 1);
        var failed = await ctx.CampaignContacts.AsNoTracking().SingleAsync(c => c.State == CampaignContactState.Failed);
        failed.Error.ShouldBe("smtp-550");
        AddressFailures.Email.ShouldContain(failed.Error!);
        failed.OutcomeAt.ShouldNotBeNull();
    }

    /// <summary>An SMTP server that answers 550 to RCPT TO for one address and passes the rest to the real transport.</summary>
    private sealed class RefusingRecipient(IEmailTransportFactory inner, string refused) : IEmailTransportFactory
    {
        public async Task<IEmailTransport> OpenAsync(CancellationToken ct) => new Transport(await inner.OpenAsync(ct), refused);

        private sealed class Transport(IEmailTransport inner, string refused) : IEmailTransport
        {
            public Task SendAsync(OutgoingEmail email, CancellationToken ct) => email.To == refused
                ? throw new SmtpCommandException(SmtpErrorCode.RecipientNotAccepted, SmtpStatusCode.MailboxUnavailable, MailboxAddress.Parse(email.To), "5.1.1 no such user")
                : inner.SendAsync(email, ct);

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }

    /// <summary>Passes <paramref name="k"/> messages to the real transport, then fails (or cancels the run, as a process stopping would).</summary>
    private sealed class FailingAfter(IEmailTransportFactory inner, int k, CancellationTokenSource? cancel = null) : IEmailTransportFactory
    {
        public async Task<IEmailTransport> OpenAsync(CancellationToken ct) => new Transport(await inner.OpenAsync(ct), k, cancel);

        private sealed class Transport(IEmailTransport inner, int k, CancellationTokenSource? cancel) : IEmailTransport
        {
            private int _sent;

            public async Task SendAsync(OutgoingEmail email, CancellationToken ct)
            {
                if (_sent++ >= k)
                {
                    if (cancel is not null)
                    {
                        await cancel.CancelAsync();
                        ct.ThrowIfCancellationRequested();
                    }
                    throw new IOException("connection lost");
                }
                await inner.SendAsync(email, ct);
            }

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }
}
