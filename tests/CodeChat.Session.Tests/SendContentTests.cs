using System.Text.Json.Nodes;

namespace CodeChat.Session.Tests;

/// <summary>
/// <c>sendLocation</c>, <c>sendContact</c> and <c>sendReaction</c> through the real pipeline, checked
/// field by field at Baileys 7.
/// </summary>
public sealed class SendContentTests(SendTextFixture fixture) : IClassFixture<SendTextFixture>
{
    private static readonly TimeSpan Patience = SendingInstance.Patience;

    private SendingInstance Instance => fixture.Instance;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<JsonObject> ReceivedAtBobAsync(string id) =>
        fixture.Bob.WaitForMessageAsync(e => e["id"]?.GetValue<string>() == id, Patience, Ct);

    [Fact]
    public async Task A_location_arrives_with_its_coordinates_name_and_address()
    {
        var (status, body) = await Instance.PostAsync("/message/sendLocation", new
        {
            number = fixture.BobAccount.Phone,
            locationMessage = new { latitude = -19.9167, longitude = -43.9345, name = "Praça da Liberdade", address = "Belo Horizonte" },
        });
        Assert.Equal(201, status);
        Assert.Equal("locationMessage", body.GetProperty("messageType").GetString());

        var location = (await ReceivedAtBobAsync(body.GetProperty("keyId").GetString()!))["content"]!["locationMessage"]!;
        Assert.Equal(-19.9167, location["degreesLatitude"]!.GetValue<double>());
        Assert.Equal(-43.9345, location["degreesLongitude"]!.GetValue<double>());
        Assert.Equal("Praça da Liberdade", location["name"]!.GetValue<string>());
        Assert.Equal("Belo Horizonte", location["address"]!.GetValue<string>());

        (status, var error) = await Instance.PostAsync("/message/sendLocation", new { number = fixture.BobAccount.Phone, locationMessage = new { latitude = 91, longitude = 0 } });
        Assert.Equal(400, status);
        Assert.Equal("locationMessage.latitude", error.GetProperty("message")[0].GetProperty("property").GetString());
    }

    [Fact]
    public async Task One_contact_is_a_card_and_two_are_a_contacts_array_with_CodeChat_vCards()
    {
        var (status, body) = await Instance.PostAsync("/message/sendContact", new
        {
            number = fixture.BobAccount.Phone,
            contactMessage = new[] { new { fullName = "Ana Souza", wuid = "5531912345678", phoneNumber = "+55 31 91234-5678" } },
        });
        Assert.Equal(201, status);
        var card = (await ReceivedAtBobAsync(body.GetProperty("keyId").GetString()!))["content"]!["contactMessage"]!;
        Assert.Equal("Ana Souza", card["displayName"]!.GetValue<string>());
        Assert.Equal("BEGIN:VCARD\nVERSION:3.0\nN:Ana Souza\nFN:Ana Souza\nitem1.TEL;waid=5531912345678:+55 31 91234-5678\nitem1.X-ABLabel:Celular\nEND:VCARD",
            card["vcard"]!.GetValue<string>());

        (status, body) = await Instance.PostAsync("/message/sendContact", new
        {
            number = fixture.BobAccount.Phone,
            contactMessage = new[]
            {
                new { fullName = "Ana", wuid = "5531912345678", phoneNumber = "5531912345678" },
                new { fullName = "Bia", wuid = "5531987654321", phoneNumber = "5531987654321" },
            },
        });
        Assert.Equal(201, status);
        var array = (await ReceivedAtBobAsync(body.GetProperty("keyId").GetString()!))["content"]!["contactsArrayMessage"]!;
        Assert.Equal("2 contacts", array["displayName"]!.GetValue<string>());
        Assert.Equal(["Ana", "Bia"], array["contacts"]!.AsArray().Select(c => c!["displayName"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_reaction_arrives_on_its_message_and_an_empty_reaction_removes_it()
    {
        var original = await fixture.Bob.SendTextAsync(Instance.Account.PnJid, "react to me " + Guid.NewGuid().ToString("N")[..6], Ct);
        var key = new { id = original, remoteJid = fixture.BobAccount.PnJid, fromMe = false };

        var (status, body) = await Instance.PostAsync("/message/sendReaction", new { reactionMessage = new { key, reaction = "👍" } });
        Assert.Equal(201, status);
        Assert.Equal("reactionMessage", body.GetProperty("messageType").GetString());
        var reaction = (await ReceivedAtBobAsync(body.GetProperty("keyId").GetString()!))["content"]!["reactionMessage"]!;
        Assert.Equal("👍", reaction["text"]!.GetValue<string>());
        Assert.Equal(original, reaction["key"]!["id"]!.GetValue<string>());

        (status, body) = await Instance.PostAsync("/message/sendReaction", new { reactionMessage = new { key, reaction = "" } });
        Assert.Equal(201, status);
        var removal = (await ReceivedAtBobAsync(body.GetProperty("keyId").GetString()!))["content"]!["reactionMessage"]!;
        Assert.True(removal["text"] is null || removal["text"]!.GetValue<string>() == "");
        Assert.Equal(original, removal["key"]!["id"]!.GetValue<string>());

        (status, var error) = await Instance.PostAsync("/message/sendReaction", new { reactionMessage = new { key, reaction = "ok" } });
        Assert.Equal(400, status);
        Assert.Equal("reactionMessage.reaction", error.GetProperty("message")[0].GetProperty("property").GetString());
    }
}
