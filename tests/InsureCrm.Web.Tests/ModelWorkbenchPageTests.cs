using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using InsureCrm.Analytics.Learning;
using InsureCrm.Core.Common;
using InsureCrm.Tests;

namespace InsureCrm.Web.Tests;

/// <summary>The model workbench pages: upload a CSV, choose columns, train in the background, read the metrics, save the model, score a file.</summary>
public sealed partial class ModelWorkbenchPageTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "insurecrm-wb-test-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Workbench_TrainAutoByHitsInTheTop_RanksTheLeaderboardByHits()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = Factory(db);
        using var analyst = await factory.SignedInClientAsync("analyst");
        var id = await UploadAsync(analyst, Signal(800, seed: 8), "campaign.csv");
        var columns = await analyst.GetStringAsync($"/models/workbench/{id}");

        var refused = await TrainAsync(analyst, id, columns, algorithm: "auto", new() { ["id"] = "Ignore" }, more: new() { ["selectBy"] = "hits", ["contacts"] = "" });
        refused.ShouldContain("상위 N명 적중을 고르고, N은 1 이상의 정수로 입력하세요");
        var result = await TrainAsync(analyst, id, await analyst.GetStringAsync($"/models/workbench/{id}"), algorithm: "auto", new() { ["id"] = "Ignore" },
            more: new() { ["selectBy"] = "hits", ["contacts"] = "40", ["budget"] = "1" });

        result.ShouldContain("data-testid=\"wb-result\"");
        result.ShouldContain("data-testid=\"wb-measure\">CV hits@40</th>");
        result.ShouldContain("평균 hits@40 기준; 작업 예산 1 단위");
        using var file = await analyst.GetStreamAsync($"/models/workbench/{id}/model-file");
        var saved = WorkbenchModel.Load(file);
        saved.Info.SelectBy.ShouldBe("hits@40");
        saved.Info.Leaderboard.Select(e => e.Mean).ShouldBeInOrder(SortDirection.Descending);
        saved.Model.Algorithm.ShouldBe(saved.Info.Leaderboard[0].Algorithm);
    }

    [Fact]
    public async Task Workbench_UploadTrainAuto_ShowsAucLiftAndLeaderboardAndSavesALoadableModel()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = Factory(db);
        using var analyst = await factory.SignedInClientAsync("analyst");

        var id = await UploadAsync(analyst, Signal(800, seed: 7), "crosssell.csv");
        var columns = await analyst.GetStringAsync($"/models/workbench/{id}");
        columns.ShouldContain("crosssell.csv");
        Row(columns, "region").ShouldContain("범주형");
        Row(columns, "age").ShouldContain("수치형");

        var result = await TrainAsync(analyst, id, columns, algorithm: "auto", new() { ["id"] = "Ignore" });
        result.ShouldContain("data-testid=\"wb-result\"");
        var auc = double.Parse(AucPattern().Match(result).Groups[1].Value, CultureInfo.InvariantCulture);
        auc.ShouldBeGreaterThan(0.75, "age and region carry a strong signal");
        LiftRows().Count(result).ShouldBe(10);
        var topLift = double.Parse(LiftValue().Match(result).Groups[1].Value, CultureInfo.InvariantCulture);
        topLift.ShouldBeGreaterThan(1.5, "the top decile holds far more positives than the base rate");
        result.ShouldContain("data-testid=\"wb-leaderboard\"");
        result.ShouldContain("data-testid=\"wb-calibration\"");
        result.ShouldContain("data-chart=\"bar\"");
        File.Exists(Path.Combine(_directory, id, "data.csv")).ShouldBeFalse("the uploaded data is deleted once the model exists");
        using (var poll = new HttpRequestMessage(HttpMethod.Get, $"/models/workbench/{id}/status") { Headers = { { "HX-Request", "true" } } })
        {
            using var status = await analyst.SendAsync(poll);
            status.Headers.GetValues("HX-Redirect").ShouldBe([$"/models/workbench/{id}"], "htmx reloads the page once the training is over");
        }

        using var file = await analyst.GetAsync($"/models/workbench/{id}/model-file");
        file.StatusCode.ShouldBe(HttpStatusCode.OK);
        file.Content.Headers.ContentDisposition!.FileNameStar.ShouldBe("crosssell.model.json");
        var bytes = await file.Content.ReadAsByteArrayAsync();
        var classifier = ModelFile.Load(new MemoryStream(bytes));
        classifier.Features.Select(f => f.Name).ShouldBe(["age", "region", "noise"], ignoreOrder: true);
        WorkbenchModel.Load(new MemoryStream(bytes)).Info.Metrics!.Auc.ShouldBe(auc, 1e-12);

        // Another analyst's work is as unknown as a missing one.
        await using var other = await OtherAnalystAsync(factory);
        (await other.Client.GetAsync($"/models/workbench/{id}/model-file")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Score_ModelAndDataUploaded_ReturnsOneRowPerInputRowInOrder()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = Factory(db);
        using var analyst = await factory.SignedInClientAsync("analyst");
        var id = await UploadAsync(analyst, Signal(400, seed: 3), "train.csv");
        var columns = await analyst.GetStringAsync($"/models/workbench/{id}");
        (await TrainAsync(analyst, id, columns, algorithm: "logistic", new(), idColumn: "id")).ShouldContain("data-testid=\"wb-result\"");
        var model = await analyst.GetByteArrayAsync($"/models/workbench/{id}/model-file");

        // New customers in an order of their own, without the target, with an extra column and a level never seen.
        var ids = new[] { "c-9", "c-2", "c-77", "c-1", "c-50" };
        var data = new StringBuilder("extra,region,noise,age,id\n");
        foreach (var (customer, i) in ids.Select((c, i) => (c, i)))
        {
            data.Append(CultureInfo.InvariantCulture, $"x,{(i == 2 ? "R9" : "R" + (i % 5))},0.5,{25 + (i * 10)},{customer}\n");
        }
        using var response = await ScoreAsync(analyst, model, Encoding.UTF8.GetBytes(data.ToString()));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentDisposition!.FileNameStar.ShouldBe("SCORES.csv");
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldBe("id,score");
        lines.Skip(1).Select(l => l.Split(',')[0]).ShouldBe(ids);
        var scores = lines.Skip(1).Select(l => double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToList();
        scores.ShouldAllBe(s => s > 0 && s < 1);
        scores[4].ShouldBeGreaterThan(scores[0], "older customers score higher in the generated signal");
    }

    [Fact]
    public async Task Score_DataWithTextInANumericColumn_ShowsLineAndColumn()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = Factory(db);
        using var analyst = await factory.SignedInClientAsync("analyst");
        var id = await UploadAsync(analyst, Signal(300, seed: 5), "train.csv");
        (await TrainAsync(analyst, id, await analyst.GetStringAsync($"/models/workbench/{id}"), algorithm: "logistic", new(), idColumn: "id"))
            .ShouldContain("data-testid=\"wb-result\"");
        var model = await analyst.GetByteArrayAsync($"/models/workbench/{id}/model-file");

        using var response = await ScoreAsync(analyst, model, Encoding.UTF8.GetBytes("id,age,region,noise\na,30,R1,0.1\nb,abc,R2,0.2\n"));
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var page = await analyst.GetStringAsync(response.Headers.Location!.OriginalString);
        page.ShouldContain("data-testid=\"wb-error\"");
        page.ShouldContain("line 3, column age: &#x27;abc&#x27; is not a number");
    }

    [Fact]
    public async Task Upload_LineWithTooManyFields_ShowsLineAndColumn()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = Factory(db);
        using var analyst = await factory.SignedInClientAsync("analyst");

        var id = await UploadAsync(analyst, Encoding.UTF8.GetBytes("id,age,target\n1,30,0\n2,40,1\n3,50,1,extra\n"), "broken.csv");
        var page = await analyst.GetStringAsync($"/models/workbench/{id}");
        page.ShouldContain("data-testid=\"wb-error\"");
        page.ShouldContain("line 4, column target: the line has 4 fields where the header has 3");
        page.ShouldNotContain("data-testid=\"wb-train\"");
    }

    [Fact]
    public async Task Train_TextInAColumnMarkedNumeric_ShowsLineAndColumnAndKeepsTheForm()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = Factory(db);
        using var analyst = await factory.SignedInClientAsync("analyst");
        // Region codes written as numbers, and on line 19 (customer c-18) as text.
        var lines = Encoding.UTF8.GetString(Signal(200, seed: 9)).Replace("region", "code", StringComparison.Ordinal).Split('\n')
            .Select(l => CodeAsNumber().Replace(l, ",$1,")).ToArray();
        lines[18].ShouldStartWith("c-18,");
        lines[18] = CodeField().Replace(lines[18], "$1,X,");
        var id = await UploadAsync(analyst, Encoding.UTF8.GetBytes(string.Join('\n', lines)), "codes.csv");
        var columns = await analyst.GetStringAsync($"/models/workbench/{id}");
        Row(columns, "code").ShouldContain("범주형");

        var page = await TrainAsync(analyst, id, columns, algorithm: "logistic", new() { ["code"] = "Numeric" }, idColumn: "id");
        page.ShouldContain("line 19, column code: &#x27;X&#x27; is not a number");
        page.ShouldContain("data-testid=\"wb-train\"", customMessage: "the data is kept so the person can change a choice and train again");
    }

    [Fact]
    public async Task Upload_WithoutAntiforgeryToken_IsRefusedAndKeepsNothing()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = Factory(db);
        using var analyst = await factory.SignedInClientAsync("analyst");
        await analyst.GetStringAsync("/models/workbench");
        using var content = new MultipartFormDataContent { { new ByteArrayContent(Signal(50, 1)), "data", "a.csv" } };
        using var response = await analyst.PostAsync("/models/workbench/upload", content);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (Directory.Exists(_directory) ? Directory.GetDirectories(_directory) : []).ShouldBeEmpty();
    }

    [Fact]
    public async Task Upload_LargerThanTheLimit_ShowsTheLimit()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = Factory(db);
        using var analyst = await factory.SignedInClientAsync("analyst");
        var big = new byte[(1024 * 1024) + 10];
        Array.Fill(big, (byte)'1');
        var form = await analyst.GetStringAsync("/models/workbench");
        using var content = new MultipartFormDataContent
        {
            { new StringContent(CrmWebFactory.Token(form)), "__RequestVerificationToken" },
            { new ByteArrayContent(big), "data", "big.csv" },
        };
        using var response = await analyst.PostAsync("/models/workbench/upload", content);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var page = await analyst.GetStringAsync(response.Headers.Location!.OriginalString);
        page.ShouldContain("파일이 1 MB 한도를 넘습니다.");
    }

    [Theory]
    [InlineData("marketer")]
    [InlineData("agent")]
    [InlineData("compliance")]
    public async Task WorkbenchAndRegistry_RoleWithoutModelsManage_Get403AndNoMenuEntry(string user)
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = Factory(db);
        using var client = await factory.SignedInClientAsync(user);
        (await client.GetAsync("/models")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await client.GetAsync("/models/workbench")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await client.GetAsync("/models/workbench/score")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var home = await client.GetStringAsync("/");
        home.ShouldNotContain("href=\"/models\"");
        home.ShouldNotContain("href=\"/models/workbench\"");

        using var analyst = await factory.SignedInClientAsync("analyst");
        var analystHome = await analyst.GetStringAsync("/");
        analystHome.ShouldContain("href=\"/models\"");
        analystHome.ShouldContain("href=\"/models/workbench\"");
    }

    private CrmWebFactory Factory(TestDatabase db) => new(db, new Dictionary<string, string?>
    {
        ["Models:Workbench:Directory"] = _directory,
        ["Models:Workbench:MaxUploadMegabytes"] = "1",
        ["Security:Login:PermitsPerMinute"] = "1000",
    });

    /// <summary>Another user who may use the workbench (the admin), to show that work is private to its owner.</summary>
    private static async Task<OtherClient> OtherAnalystAsync(CrmWebFactory factory) => new(await factory.SignedInClientAsync("admin"));

    private sealed class OtherClient(HttpClient client) : IAsyncDisposable
    {
        public HttpClient Client => client;

        public ValueTask DisposeAsync()
        {
            client.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Rows whose target depends on age and region (strongly) and not on noise; ids c-1, c-2 …</summary>
    internal static byte[] Signal(int rows, int seed)
    {
        var random = new Random(seed);
        double[] regionEffect = [-1.5, -0.5, 0, 0.8, 1.6];
        var csv = new StringBuilder("id,age,region,noise,target\n");
        for (var i = 1; i <= rows; i++)
        {
            var age = random.Next(20, 70);
            var region = random.Next(5);
            var logit = -0.5 + (0.09 * (age - 45)) + regionEffect[region];
            var target = random.NextDouble() < 1 / (1 + Math.Exp(-logit)) ? 1 : 0;
            csv.Append(CultureInfo.InvariantCulture, $"c-{i},{age},R{region},{random.NextDouble():F3},{target}\n");
        }
        return Encoding.UTF8.GetBytes(csv.ToString());
    }

    /// <summary>Uploads through the page's form (its antiforgery token first) and returns the work id the redirect names.</summary>
    internal static async Task<string> UploadAsync(HttpClient client, byte[] csv, string fileName)
    {
        var form = await client.GetStringAsync("/models/workbench");
        using var content = new MultipartFormDataContent
        {
            { new StringContent(CrmWebFactory.Token(form)), "__RequestVerificationToken" },
            { new ByteArrayContent(csv), "data", fileName },
        };
        using var response = await client.PostAsync("/models/workbench/upload", content);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var id = WorkId().Match(response.Headers.Location!.OriginalString).Groups[1].Value;
        id.ShouldNotBeEmpty();
        return id;
    }

    /// <summary>Posts the training form with the target column "target", waits for the background training and returns the page.</summary>
    private static async Task<string> TrainAsync(HttpClient client, string id, string columnsPage, string algorithm, Dictionary<string, string> kinds, string? idColumn = null,
        Dictionary<string, string>? more = null)
    {
        var names = ColumnNames().Matches(columnsPage).Select(m => m.Groups[1].Value).ToList();
        var fields = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = CrmWebFactory.Token(columnsPage),
            ["target"] = names.IndexOf("target").ToString(CultureInfo.InvariantCulture),
            ["id"] = idColumn is null ? "" : names.IndexOf(idColumn).ToString(CultureInfo.InvariantCulture),
            ["algorithm"] = algorithm,
            ["budget"] = "3",
            ["seed"] = "42",
            ["validation"] = "0.25",
        };
        foreach (var (name, value) in more ?? [])
        {
            fields[name] = value;
        }
        foreach (var (name, kind) in kinds)
        {
            fields["kind" + names.IndexOf(name).ToString(CultureInfo.InvariantCulture)] = kind;
        }
        using var response = await client.PostAsync($"/models/workbench/{id}/train", new FormUrlEncodedContent(fields));
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        // Training runs in the background; the page says so until it is over (a guard against a hang, not a speed limit).
        for (var attempt = 0; attempt < 1200; attempt++)
        {
            var page = await client.GetStringAsync($"/models/workbench/{id}");
            if (!page.Contains("data-testid=\"wb-progress\"", StringComparison.Ordinal))
            {
                return page;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("The training did not finish.");
    }

    private static async Task<HttpResponseMessage> ScoreAsync(HttpClient client, byte[] model, byte[] data)
    {
        var form = await client.GetStringAsync("/models/workbench/score");
        using var content = new MultipartFormDataContent
        {
            { new StringContent(CrmWebFactory.Token(form)), "__RequestVerificationToken" },
            { new ByteArrayContent(model), "model", "m.model.json" },
            { new ByteArrayContent(data), "data", "new.csv" },
        };
        return await client.PostAsync("/models/workbench/scores", content);
    }

    private static string Row(string page, string column)
    {
        var row = Regex.Match(page, $"<tr data-column=\"{column}\">.*?</tr>", RegexOptions.Singleline).Value;
        row.ShouldNotBeEmpty();
        return row;
    }

    [GeneratedRegex(",R(\\d),")]
    private static partial Regex CodeAsNumber();

    [GeneratedRegex("^(c-18,[^,]*),\\d,")]
    private static partial Regex CodeField();

    [GeneratedRegex("/models/workbench/([0-9a-f]{32})$")]
    private static partial Regex WorkId();

    [GeneratedRegex("<tr data-column=\"([^\"]*)\"")]
    private static partial Regex ColumnNames();

    [GeneratedRegex("data-testid=\"wb-auc\" data-value=\"([^\"]+)\"")]
    private static partial Regex AucPattern();

    [GeneratedRegex("<tr data-decile=\"\\d+\"")]
    private static partial Regex LiftRows();

    [GeneratedRegex("data-testid=\"wb-lift-value\" data-value=\"([^\"]+)\"")]
    private static partial Regex LiftValue();
}
