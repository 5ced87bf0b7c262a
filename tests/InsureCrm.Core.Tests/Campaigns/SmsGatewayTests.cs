using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Campaigns.Execution;

namespace InsureCrm.Core.Tests.Campaigns;

/// <summary>The HTTP SMS gateway against an in-process HTTP server that records what it receives, and the 90/2,000-byte CP949 rule.</summary>
public sealed class SmsGatewayTests
{
    [Theory]
    [InlineData(45, "", "Sms")]
    [InlineData(45, "a", "Lms")]
    [InlineData(1000, "", "Lms")]
    [InlineData(1000, "a", "TooLong")]
    public void Classify_HangulAtTheBoundaries_CountsTwoBytesEach(int hangul, string tail, string expected)
    {
        var text = new string('가', hangul) + tail;

        SmsLength.Bytes(text).ShouldBe((hangul * 2) + tail.Length);
        SmsLength.Classify(text).ToString().ShouldBe(expected);
    }

    [Fact]
    public async Task SendAsync_ShortAndLongMessages_PostsTypeTextAndClientRef()
    {
        var port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var received = new List<(string? Auth, JsonElement Body)>();
        var server = Task.Run(async () =>
        {
            for (var i = 0; i < 2; i++)
            {
                var context = await listener.GetContextAsync();
                using var reader = new StreamReader(context.Request.InputStream);
                received.Add((context.Request.Headers["Authorization"], JsonDocument.Parse(await reader.ReadToEndAsync()).RootElement.Clone()));
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        });
        using var http = new HttpClient();
        var gateway = new HttpSmsGateway(http, new SmsOptions { Url = $"http://127.0.0.1:{port}/send", ApiKey = "key-1", Sender = "15880000" });
        var shortText = "(광고)" + new string('가', 42); // 6 + 84 = 90 bytes
        var longText = shortText + "a";

        await gateway.SendAsync(new OutgoingSms("01000000001", shortText, "제목", "1:1:Sms:1"));
        await gateway.SendAsync(new OutgoingSms("01000000002", longText, "제목", "1:2:Sms:1"));
        await server.WaitAsync(TimeSpan.FromSeconds(30));

        received.Count.ShouldBe(2);
        received.ShouldAllBe(r => r.Auth == "Bearer key-1");
        received[0].Body.GetProperty("type").GetString().ShouldBe("SMS");
        received[0].Body.GetProperty("text").GetString().ShouldBe(shortText);
        received[1].Body.GetProperty("type").GetString().ShouldBe("LMS");
        received[1].Body.GetProperty("subject").GetString().ShouldBe("제목");
        received.Select(r => r.Body.GetProperty("clientRef").GetString()).ShouldBe(["1:1:Sms:1", "1:2:Sms:1"]);
        received.Select(r => r.Body.GetProperty("from").GetString()).ShouldAllBe(f => f == "15880000");
    }

    [Fact]
    public async Task SendAsync_OverTwoThousandBytesOrRefused_Throws()
    {
        var port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var requests = 0;
        var server = Task.Run(async () =>
        {
            var context = await listener.GetContextAsync();
            requests++;
            context.Response.StatusCode = 500;
            context.Response.Close();
        });
        using var http = new HttpClient();
        var gateway = new HttpSmsGateway(http, new SmsOptions { Url = $"http://127.0.0.1:{port}/send" });

        await Should.ThrowAsync<ArgumentException>(() => gateway.SendAsync(new OutgoingSms("010", new string('가', 1000) + "a", null, "r1")));
        requests.ShouldBe(0);
        await Should.ThrowAsync<HttpRequestException>(() => gateway.SendAsync(new OutgoingSms("010", "hi", null, "r2")));
        await server.WaitAsync(TimeSpan.FromSeconds(30));
        requests.ShouldBe(1);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
