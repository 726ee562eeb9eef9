//! Every text of the page, English and Chinese side by side. Grouped by where it appears; a text
//! used in several places is listed once, where it first appears.

use super::Lang;

/// Generates [`Text`] with one variant per entry (documented by its English wording), the list
/// of all of them, and the lookup; leaving out either language is a compile error.
macro_rules! texts {
    ($($key:ident: $en:literal, $zh:literal;)*) => {
        /// A text the page shows; [`Lang::text`] gives its wording.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Text {
            $(#[doc = $en] $key,)*
        }

        impl Text {
            /// Every text, for tests that check the whole table.
            pub const ALL: &'static [Text] = &[$(Text::$key,)*];

            pub(super) fn wording(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Text::$key, Lang::En) => $en, (Text::$key, Lang::Zh) => $zh,)*
                }
            }
        }
    };
}

texts! {
    // The header.
    Tagline: "MQTT 3.1.1 and 5.0 over WebSocket, packet by packet",
        "基于 WebSocket 的 MQTT 3.1.1 与 5.0，逐个报文展示";
    Sections: "Sections", "页面分区";
    NavDiagram: "Diagram", "时序图";
    Lessons: "Lessons", "课程";
    NavDecode: "Decode", "解码";
    NavProbe: "Probe", "探测";
    CheckABroker: "Check a broker", "检测代理";
    NoSuchView: "No view at {0}: here is the workbench.", "{0} 处没有视图：这里是工作台。";
    Theme: "Theme", "主题";
    ThemeSystem: "As the system", "跟随系统";
    ThemeLight: "Light", "浅色";
    ThemeDark: "Dark", "深色";
    Language: "Language", "语言";

    // The live diagram.
    TitleSimulated: "Watch QoS happen (simulated broker, no network needed)",
        "观察 QoS 如何运作（模拟代理，无需网络）";
    TitleLive: "Watch QoS happen on {0}", "在 {0} 上观察 QoS 如何运作";
    DiagramIntro: "Publish a message and follow its packets. Lose an acknowledgement, then reconnect the publisher: it sends the message again with DUP=1. Point at a packet to light up its message; choose one to inspect it byte by byte.",
        "发布一条消息，跟随它的每个报文。让一个确认报文丢失，再让发布者重连：它会以 DUP=1 重发这条消息。指向一个报文可高亮它所属的消息；选中一个报文可逐字节查看。";
    PublishQos: "Publish QoS {0}", "发布 QoS {0}";
    LoseNextAck: " Lose the next PUBACK/PUBREC", " 让下一个 PUBACK/PUBREC 丢失";
    ReconnectPublisher: "Reconnect publisher", "重连发布者";
    WithholdAck: " Subscriber withholds its next PUBACK/PUBREC", " 订阅者扣下它的下一个 PUBACK/PUBREC";
    ReconnectSubscriber: "Reconnect subscriber", "重连订阅者";
    ExportAndImport: "Export and import", "导出与导入";
    ExportTrace: "Export trace (JSON)", "导出报文记录（JSON）";
    ExportSvg: "Export SVG", "导出 SVG";
    ExportMermaid: "Export Mermaid", "导出 Mermaid";
    ImportTrace: "Import trace…", "导入报文记录…";
    ShowingImported: "Showing an imported trace", "正在显示导入的报文记录";
    BackToLive: "Back to live", "返回实时";
    Timeline: "Timeline", "时间线";
    FollowLive: "Follow live", "跟随实时";
    Pause: "Pause", "暂停";
    StepBack: "Step back one packet", "后退一个报文";
    StepForward: "Step forward one packet", "前进一个报文";
    Scrub: "Scrub through the recorded packets", "拖动浏览已记录的报文";
    Rows: "Rows", "行距";
    RowPerPacket: "One per packet", "每个报文一行";
    RowEvery100Ms: "Real time, 100 ms each", "按实际时间，每行 100 ms";
    RowEverySecond: "Real time, 1 s each", "按实际时间，每行 1 s";
    NotDrawn: "{0} earlier and {1} later packets not drawn (the export has them all).",
        "更早的 {0} 个和更晚的 {1} 个报文未绘制（导出文件包含全部报文）。";
    NotDrawnEvicted: "{0} earlier and {1} later packets not drawn (the export has the newest {2}).",
        "更早的 {0} 个和更晚的 {1} 个报文未绘制（导出文件包含最新的 {2} 个报文）。";
    Clients: "Clients", "客户端";
    AddClient: "Add client", "添加客户端";
    ClientNumbered: "client {0}", "客户端 {0}";
    FileUnreadable: "the file could not be read", "无法读取该文件";
    ErrorIn: "{0}: {1}", "{0}：{1}";
    Import: "Import", "导入";
    NoDiagram: "there is no diagram to export", "没有可导出的时序图";
    NotSvg: "the diagram's markup is not SVG", "时序图的标记不是 SVG";
    NoFile: "the browser could not make the file", "浏览器无法生成文件";
    NoFileLink: "the browser could not make a link to the file", "浏览器无法生成指向文件的链接";
    NoLink: "the browser could not make a link", "浏览器无法生成链接";
    SequenceDiagram: "Sequence diagram of the MQTT packets between the clients and the broker",
        "客户端与代理之间 MQTT 报文的时序图";

    // The broker switch.
    WhichBroker: "Which broker the clients use", "客户端使用哪个代理";
    SimulatedBroker: "Simulated broker", "模拟代理";
    OrABrokerAt: "or a broker at", "或使用此地址的代理";
    ConnectBothClients: "Connect both clients", "连接两个客户端";
    CredentialsAndProfiles: "Credentials and saved profiles", "凭据与已保存的配置";
    Username: "Username", "用户名";
    Password: "Password", "密码";
    ProfileName: "Profile name", "配置名称";
    RememberPassword: " Remember password", " 记住密码";
    SaveProfile: "Save profile", "保存配置";
    SavedProfiles: "Saved profiles", "已保存的配置";
    NoSavedProfiles: "No saved profiles", "没有已保存的配置";
    OpenSavedProfile: "Open a saved profile…", "打开已保存的配置…";
    Forget: "Forget", "删除";
    PasswordsKept: "Passwords are kept in this browser only when \"Remember password\" is ticked. A link with ?broker=ws://host:port/mqtt opens this page with the URL filled in.",
        "只有勾选“记住密码”时，密码才会保存在此浏览器中。带有 ?broker=ws://host:port/mqtt 的链接打开本页时会自动填入该 URL。";

    // A client's card.
    Connected: "connected", "已连接";
    Offline: "offline", "离线";
    Connection: "Connection", "连接";
    ClientId: "Client id", "客户端标识符（Client ID）";
    Protocol: "Protocol", "协议";
    KeepAliveSeconds: "Keep alive (s)", "心跳间隔 Keep Alive（秒）";
    SessionExpirySeconds: "Session expiry (s)", "会话过期间隔（秒）";
    SessionEndsOnDrop: "Without a session expiry, the broker will end this session when the connection drops ([v5 MQTT-3.1.2-23]); set Session expiry to keep it.",
        "未设置会话过期间隔时，连接断开后代理会结束此会话（[v5 MQTT-3.1.2-23]）；请设置会话过期间隔以保留会话。";
    CleanStart: " Clean start", " 全新会话（Clean Start）";
    CleanSession: " Clean session", " 清除会话（Clean Session）";
    LastWill: " Last will", " 遗嘱消息";
    WillTopic: "Will topic", "遗嘱主题";
    WillPayload: "Will payload", "遗嘱载荷";
    WillQos: "Will QoS", "遗嘱 QoS";
    WillRetain: " Will retain", " 遗嘱保留（Will Retain）";
    ReconnectWithOptions: "Reconnect with these options", "按这些选项重新连接";
    Connect: "Connect", "连接";
    Disconnect: "Disconnect", "断开连接";
    DropConnectionHint: "Close without DISCONNECT: the broker publishes the will",
        "不发送 DISCONNECT 直接关闭：代理会发布遗嘱消息";
    DropConnection: "Drop connection", "异常断开";
    RemoveClient: "Remove client", "移除客户端";
    Subscriptions: "Subscriptions", "订阅";
    AskedQos: " asked QoS {0} · {1}", " 请求 QoS {0} · {1}";
    WaitingForSuback: "waiting for SUBACK", "等待 SUBACK";
    Granted: "granted {0}", "授予 {0}";
    RefusedWith: "refused: {0}", "被拒绝：{0}";
    Unsubscribe: "Unsubscribe", "取消订阅";
    TopicFilter: "Topic filter", "主题过滤器";
    RequestedQos: "Requested QoS", "请求的 QoS";
    NoLocal: " No local", " No Local（不接收自己发布的消息）";
    RetainAsPublished: " Retain as published", " Retain As Published（保持原保留标志）";
    RetainHandling: "Retain handling", "保留消息处理（Retain Handling）";
    RetainedAtSubscribe: "Retained: at subscribe", "保留消息：订阅时发送";
    RetainedIfNew: "Retained: if new", "保留消息：仅新订阅时发送";
    RetainedNever: "Retained: never", "保留消息：不发送";
    Subscribe: "Subscribe", "订阅";
    Publish: "Publish", "发布";
    Topic: "Topic", "主题";
    PayloadAs: "Payload as", "载荷格式";
    Payload: "Payload", "载荷";
    Retain: " Retain", " 保留消息（Retain）";
    V5Properties: "5.0 properties", "5.0 属性";
    MessageExpirySeconds: "Message expiry (s)", "消息过期间隔（秒）";
    ContentType: "Content type", "内容类型（Content Type）";
    ResponseTopic: "Response topic", "响应主题（Response Topic）";
    UserPropertiesHint: "User properties (key=value, one per line)", "用户属性（key=value，每行一个）";
    ConnectFirst: "{0}: connect the client first", "{0}：请先连接客户端";
    LastLost: "Last connection ended: {0}", "上次连接结束：{0}";
    DeclaresNoLimits: "declares no limits", "未声明任何限制";
    SwitchVersionAndConnect: "Use {0} and connect", "改用 {0} 并连接";
    KeepAliveRange: "keep alive: seconds from 0 to 65535", "心跳间隔：0 到 65535 秒";
    SessionExpiryRange: "session expiry: seconds from 0 to 4294967295",
        "会话过期间隔：0 到 4294967295 秒";
    WillTopicError: "will topic: {0}", "遗嘱主题：{0}";
    MessageExpiryWhole: "message expiry: whole seconds", "消息过期间隔：须为整数秒";
    UserPropertyForm: "user property \"{0}\": write key=value", "用户属性“{0}”：请写成 key=value";

    // The lessons.
    LessonsTitle: "Lessons: break it on purpose, one click each", "课程：故意制造故障，一键运行";
    Speed: "Speed", "速度";
    Narration: "Narration", "讲解";
    Replay: "Replay", "重放";
    LinkToLesson: "Link to this lesson", "本课链接";
    Stop: "Stop", "停止";
    Finished: "Finished", "已结束";
    StoppedAtStep: "Stopped at step {0} of {1}", "停在第 {0} 步（共 {1} 步）";
    StepOf: "Step {0} of {1}", "第 {0} 步（共 {1} 步）";
    ExpectedColon: "Expected: ", "预期结果：";
    SeenInTrace: "✓ Seen in the trace.", "✓ 已在报文记录中看到。";
    NotSeen: "✗ Not seen: {0}", "✗ 未看到：{0}";
    FreePlay: "Free play", "自由练习";
    PickALesson: "Pick a lesson above to watch it step by step, or break the network below and publish.",
        "在上方选择一门课程逐步观看，或在下方破坏网络后发布消息。";
    OnlyV5: "MQTT 5.0 only", "仅限 MQTT 5.0";
    LinkUnknownLesson: "No lesson is called \"{0}\"; pick one from the list.",
        "没有名为“{0}”的课程；请从列表中选择。";
    LinkBadQuiz: "quiz={0} means nothing: use quiz=1 to ask before each step.",
        "quiz={0} 没有意义：使用 quiz=1 在每一步之前提问。";

    // "What happens next?"
    QuizMode: "Ask \"What happens next?\" before each step", "每一步之前先问：“接下来会发生什么？”";
    QuizLink: "Link to this lesson as a quiz", "本课测验链接";
    QuizTitle: "What happens next?", "接下来会发生什么？";
    QuizBeforeStep: "Before step {0} of {1}", "第 {0} 步之前（共 {1} 步）";
    QuizWhichPacket: "Which packet comes next?", "接下来是哪个报文？";
    QuizWhoSends: "Who sends it, to whom?", "由谁发给谁？";
    QuizDup: "Is its DUP flag set?", "它的 DUP 标志是否置位？";
    QuizPacketId: "Which packet id does it carry?", "它带哪个报文标识符？";
    QuizDelivered: "Does an application receive the message in this step?",
        "这一步中有应用程序收到消息吗？";
    QuizNoPacket: "Nothing is sent", "不发送任何报文";
    QuizNoPacketId: "No packet id", "没有报文标识符";
    QuizClientSends: "{0} → broker", "{0} → 代理";
    QuizBrokerSends: "broker → {0}", "代理 → {0}";
    Yes: "Yes", "是";
    No: "No", "否";
    QuizAnswer: "Answer", "作答";
    QuizRight: "✓ Right", "✓ 正确";
    QuizWrong: "✗ The trace shows: {0}", "✗ 报文记录显示：{0}";
    QuizRunStep: "Run the step", "运行这一步";
    QuizScore: "Score: {0} of {1}", "得分：{1} 题中答对 {0} 题";
    QuizLastTime: "Last attempt: {0} of {1}", "上次：{1} 题中答对 {0} 题";
    QuizBest: "Best complete attempt: {0} of {1}", "最佳完整成绩：{1} 题中答对 {0} 题";

    // The fault panel.
    FreePlayTitle: "Free play: break the network yourself", "自由练习：亲手破坏网络";
    Messages: "Messages", "消息";
    PublishesTo: "{0} publishes to {1}.", "{0} 发布到 {1}。";
    ResendAfter: " Re-send after {0} s without reconnecting", " 不重连，{0} 秒后重发";
    TeachingOnly: "Teaching only: v3 tolerates it, v5 forbids it [v5 MQTT-4.4.0-1].",
        "仅用于教学：v3 容许这样做，v5 禁止 [v5 MQTT-4.4.0-1]。";
    Links: "Links", "链路";
    LatencyEachWay: "Latency {0} ms each way", "单向延迟 {0} ms";
    LossInPercent: "{0} loss in percent", "{0} 丢失率（百分比）";
    LoseNextPacket: "Lose the next packet", "让下一个报文丢失";
    PacketType: "Packet type", "报文类型";
    Direction: "Direction", "方向";
    BrokerToClient: "broker → client", "代理 → 客户端";
    ClientToBroker: "client → broker", "客户端 → 代理";
    Client: "Client", "客户端";
    LoseIt: "Lose it", "让它丢失";
    FromClientToBroker: "from {0} to the broker", "从 {0} 到代理";
    FromBrokerToClient: "from the broker to {0}", "从代理到 {0}";
    NextWillBeLost: "The next {0} {1} will be lost.", "{1}的下一个 {0} 将会丢失。";
    HoldAndConnections: "Hold and connections", "扣留与连接";
    HoldEveryPacket: " Hold every packet", " 扣留每个报文";
    ReleaseNext: "Release next", "放行下一个";
    LoseNext: "Lose next", "丢弃下一个";
    Held: "{0} held", "已扣留 {0} 个";
    CutConnectionOf: "Cut {0}'s connection", "切断 {0} 的连接";
    Cut: "Cut", "切断";
    ReconnectClient: "Reconnect {0}", "重连 {0}";
    Reconnect: "Reconnect", "重连";

    // Effective QoS, the matrix and the message table.
    EffectiveQos: "Effective QoS", "实际 QoS";
    RunAllNine: "Run all nine", "运行全部九种组合";
    SubscribingRun: "Run {0}: subscribing at QoS 0, 1 and 2 to {1}/sub0, sub1 and sub2…",
        "第 {0} 轮：以 QoS 0、1、2 订阅 {1}/sub0、sub1 和 sub2…";
    PublishedRun: "Run {0}: nine messages published.", "第 {0} 轮：九条消息已发布。";
    PublishesRefused: "{0} of the nine publishes were refused: {1}", "九次发布中有 {0} 次被拒绝：{1}";
    SubscriberNotConnected: "the subscriber has not connected yet", "订阅者尚未连接";
    EffectiveQosExplained: "A message reaches a subscriber at the lower of its publish QoS and the QoS the broker granted the subscription (and never above the server's Maximum QoS). Each cell shows the QoS messages actually arrived with; choose one to find an example in the table.",
        "消息到达订阅者时的 QoS 取发布 QoS 与代理授予该订阅的 QoS 中较低者（且不会高于服务器的 Maximum QoS）。每个单元格显示消息实际到达时的 QoS；选中一个单元格可在下表中找到示例。";
    OfNine: "{0} of 9", "{0} / 9";
    PairsObserved: " pairs observed · ", " 种组合已观察到 · ";
    MessagesCount: " messages · ", " 条消息 · ";
    NewestInTable: " (the newest {0} in the table)", "（表中为最新的 {0} 条）";
    BrokerBugsCount: " broker bugs · ", " 个代理缺陷 · ";
    DuplicatesCount: " duplicates", " 条重复";
    MatrixCaption: "Delivered QoS by publish QoS and granted subscription QoS",
        "按发布 QoS 与授予的订阅 QoS 统计的交付 QoS";
    SubscriptionGrantedQos: "subscription (granted) QoS", "订阅（授予）QoS";
    ColumnPublishQos: "publish QoS", "发布 QoS";
    CellLabel: "Publish QoS {0}, granted QoS {1}: {2}", "发布 QoS {0}，授予 QoS {1}：{2}";
    CellExpect: "expect {0}", "应为 {0}";
    CellMismatch: "✕ expected {0} · {1}", "✕ 应为 {0} · {1}";
    OneMessage: "1 message", "1 条消息";
    ManyMessages: "{0} messages", "{0} 条消息";
    CellNothing: "nothing observed yet; the rules give QoS {0}", "尚未观察到消息；按规则应为 QoS {0}";
    CellBug: "broker bug: {0} of {1} messages arrived at another QoS than the rules give, QoS {2}. Show an example.",
        "代理缺陷：{1} 条消息中有 {0} 条到达时的 QoS 不是规则给出的 QoS {2}。显示示例。";
    CellDeliveredOne: "delivered at QoS {0} ({1} message). Show an example.",
        "以 QoS {0} 交付（{1} 条消息）。显示示例。";
    CellDeliveredMany: "delivered at QoS {0} ({1} messages). Show an example.",
        "以 QoS {0} 交付（{1} 条消息）。显示示例。";
    CellConflicting: "delivered at QoS {0} across {1} messages. Show an example.",
        "{1} 条消息分别以 QoS {0} 交付。显示示例。";
    ColumnTime: "time", "时间";
    ColumnFrom: "from", "发送方";
    ColumnTo: "to", "接收方";
    ColumnTopic: "topic", "主题";
    ColumnPayload: "payload", "载荷";
    ColumnGrantedQos: "granted QoS", "授予 QoS";
    ColumnDeliveredQos: "delivered QoS", "交付 QoS";
    ColumnExpectedQos: "expected QoS", "预期 QoS";
    ColumnMark: "mark", "标记";
    AnotherClient: "another client", "其他客户端";
    MessagesReceived: "Messages received, with their publish, granted, delivered and expected QoS",
        "收到的消息，及其发布、授予、交付和预期 QoS";
    MessageRows: "Message rows, scrollable", "消息行，可滚动";
    NoMessageYet: "No message received yet. Publish one, or run all nine.",
        "尚未收到消息。发布一条，或运行全部九种组合。";
    BugMarkHint: "Broker bug: delivered at QoS {0}, but min(publish, granted, server maximum) is QoS {1} ([MQTT-3.8.4-6] v3, [v5 MQTT-3.8.4-8])",
        "代理缺陷：以 QoS {0} 交付，但 min(发布, 授予, 服务器最大值) 为 QoS {1}（[MQTT-3.8.4-6] v3，[v5 MQTT-3.8.4-8]）";
    BrokerBug: "broker bug", "代理缺陷";
    DuplicateBreaksExactlyOnce: "A duplicate reached the application: QoS 2 must deliver exactly once ([MQTT-4.3.3-2] v3, [v5 MQTT-4.3.3-10])",
        "重复消息到达了应用：QoS 2 必须只有一次交付（[MQTT-4.3.3-2] v3，[v5 MQTT-4.3.3-10]）";
    DuplicateAllowed: "A duplicate reached the application: QoS 1 delivers at least once, so repeats are allowed",
        "重复消息到达了应用：QoS 1 是至少一次交付，允许重复";
    Duplicate: "duplicate", "重复";
    ArrowDelivered: "QoS {0} delivered", "以 QoS {0} 交付";
    ArrowDowngraded: "QoS {0}→{1} (granted {2})", "QoS {0}→{1}（授予 {2}）";
    ArrowCappedByServer: "QoS {0}→{1} (Maximum QoS {2})", "QoS {0}→{1}（Maximum QoS {2}）";
    ArrowBrokerBug: "✕ broker bug: QoS {0}, expected {1}", "✕ 代理缺陷：QoS {0}，应为 {1}";
    ArrowQosRule: "Delivered at QoS {0} = min(publish {1}, granted {2}, server Maximum QoS) = {3} ([MQTT-3.8.4-6] v3, [v5 MQTT-3.8.4-8])",
        "以 QoS {0} 交付 = min(发布 {1}, 授予 {2}, 服务器 Maximum QoS) = {3}（[MQTT-3.8.4-6] v3，[v5 MQTT-3.8.4-8]）";
    ArrowServerMaximum: "The server's Maximum QoS {0} (v5 §3.2.2.3.4) lowered it below both.",
        "服务器的 Maximum QoS {0}（v5 §3.2.2.3.4）使其低于两者。";

    // The inspector, the decoder and the probe.
    AwaitsPuback: "awaits PUBACK", "等待 PUBACK";
    AwaitsPubrec: "awaits PUBREC", "等待 PUBREC";
    AwaitsPubcomp: "awaits PUBCOMP", "等待 PUBCOMP";
    MalformedLower: "malformed: {0}", "格式错误：{0}";
    Broker: "Broker", "代理";
    FateDelivered: "delivered", "已送达";
    FateLost: "lost", "丢失";
    FateHeld: "held", "被扣留";
    FateInTransit: "in transit", "传输中";
    PacketFacts: "{0} → {1}, sent at {2} ms, {3}, {4} bytes, connection {5}",
        "{0} → {1}，发送于 {2} ms，{3}，{4} 字节，第 {5} 个连接";
    Close: "Close", "关闭";
    SessionOf: "Session of", "会话所属";
    ConnectedParenthesized: " (connected)", "（已连接）";
    OfflineParenthesized: " (offline)", "（离线）";
    SessionPresent: "Session present", "Session Present（会话已存在）";
    NoConnackYet: "no CONNACK yet", "尚无 CONNACK";
    InFlightOut: "In flight out", "发出的在途消息";
    QosTwoHeldIn: "QoS 2 held in", "收到待释放的 QoS 2";
    NoneYet: "none", "无";
    SendQuota: "Send quota", "发送配额";
    Field: "Field", "字段";
    Bytes: "Bytes", "字节";
    Value: "Value", "值";
    PacketBytesHex: "Packet bytes in hexadecimal", "报文字节（十六进制）";
    MoreBytes: "… {0} more bytes", "… 还有 {0} 字节";
    DecodeAPacket: "Decode a packet", "解码报文";
    BytesHex: "Bytes (hex)", "字节（十六进制）";
    HexError: "Hex: {0}", "十六进制：{0}";
    PasteOnePacket: "Type or paste the bytes of one packet.", "输入或粘贴一个报文的字节。";
    Malformed: "Malformed: {0}", "格式错误：{0}";
    ProbeABroker: "Probe a broker", "探测代理";
    WebSocketUrl: "WebSocket URL", "WebSocket URL";
    SendConnect: "Send CONNECT", "发送 CONNECT";
    NotRunYet: "Not run yet.", "尚未运行。";
    Connecting: "Connecting…", "连接中…";
    Accepted: "Accepted: ", "已接受：";
    Refused: "Refused: ", "被拒绝：";

    // Spec coverage, after a broker check run.
    SpecCoverage: "Spec coverage", "规范覆盖";
    CoverageIntro: "The MUST statements that bind the server, from the numbered normative statements of each specification (statements stay in English, as in the specification).",
        "各规范中约束服务端的 MUST 编号规范声明（声明保留英文原文，与规范一致）。";
    CoverageFigures: "MQTT {0}: {1} statements; {2} exercised ({3} passed, {4} failed); {5} not exercised; {6} not testable from a client; {7} not covered yet",
        "MQTT {0}：共 {1} 条声明；本次检测覆盖 {2} 条（{3} 条通过，{4} 条失败）；{5} 条未运行；{6} 条无法由客户端检测；{7} 条尚未覆盖";
    CoverageVersion: "Version", "版本";
    AllVersions: "All versions", "全部版本";
    AllStatuses: "All statuses", "全部状态";
    SearchStatements: "Search", "搜索";
    SearchStatementsPlaceholder: "id, words or check", "编号、文字或检测项";
    StatementsShown: "{0} of {1} statements shown", "显示 {0} / {1} 条声明";
    StatementId: "Statement", "声明";
    Section: "Section", "章节";
    StatementText: "Text", "内容";
    Status: "Status", "状态";
    StatusPassed: "passed", "通过";
    StatusFailed: "failed", "失败";
    StatusNotExercised: "not exercised", "未运行";
    StatusNotTestable: "not testable", "无法检测";
    StatusNotCovered: "not covered yet", "尚未覆盖";
    FailedBy: "failed by {0}", "失败的检测：{0}";
    ExercisedBy: "checks: {0}", "检测项：{0}";

    // Check a broker.
    UnencryptedCredentials: "The username and password will cross the network unencrypted (ws://) to {0}. Use wss:// unless this network is yours.",
        "用户名和密码将以未加密方式（ws://）经网络发送到 {0}。除非这是你自己的网络，否则请使用 wss://。";
    Rule: "Rule", "规则";
    Expected: "Expected", "预期";
    Seen: "Seen", "实际";
    LimitFound: "found: {0}", "测得：{0}";
    Took: "Took", "耗时";
    EarlierNotDrawn: "{0} earlier packets not drawn; the transcript has them all.",
        "更早的 {0} 个报文未绘制；文字记录包含全部报文。";
    TranscriptLines: "Transcript ({0} lines)", "文字记录（{0} 行）";
    WhatToCheck: "What to check", "检测对象";
    BrokerAtUrl: "Broker at a URL", "指定 URL 的代理";
    BreakOnPurpose: "Break the simulated broker on purpose", "故意让模拟代理出错";
    SimulatedBrokerDeclares: "What the simulated broker allows", "模拟代理允许的能力";
    CredentialsNotStored: "Credentials are used for this run only and never stored.",
        "凭据仅用于本次运行，不会被保存。";
    BothVersions: "3.1.1 and 5.0", "3.1.1 和 5.0";
    TopicPrefix: "Topic prefix", "主题前缀";
    TopicPrefixPlaceholder: "qoscope-check/<run id>", "qoscope-check/<运行 id>";
    TopicPrefixError: "topic prefix: {0}", "主题前缀：{0}";
    BurstsAndLargePayloads: " Bursts and large payloads", " 突发流量与大载荷";
    NegativeTests: " Negative tests (malformed packets)", " 负向测试（畸形报文）";
    Running: "Running…", "运行中…";
    RunTheChecks: "Run the checks", "运行检测";
    CheckProgress: "{0} of {1} checks", "已完成 {0} / {1} 项检测";
    PassCount: "{0} pass", "{0} 通过";
    FailCount: "{0} fail", "{0} 失败";
    WarnCount: "{0} warn", "{0} 警告";
    SkippedCount: "{0} skipped", "{0} 跳过";
    ExportJson: "Export JSON", "导出 JSON";
    ExportMarkdown: "Export Markdown", "导出 Markdown";
    ExportJunit: "Export JUnit XML", "导出 JUnit XML";
}
