//! The one error type of the HTTP layer and every word an error says, in both languages: each
//! refusal of a rule (`domain::Error`) and each problem with the request itself gets its status
//! and the shared `ErrorBody`. Database and internal errors are logged in full and answered
//! with an opaque 500. The language is the request's (`Accept-Language`, see [`localise`]).

use axum::extract::Request as HttpRequest;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use shared::Lang;
use shared::error::ErrorBody;

use crate::domain::error::{
    Conflict, Credential, Error as Refusal, Invalid, Missing, Refusal as Role,
};
use crate::service;

tokio::task_local! {
    /// The language of the request being answered.
    static LANG: Lang;
}

/// Middleware: answers every error of the request in the language it asked for.
pub async fn localise(req: HttpRequest, next: Next) -> Response {
    let lang = super::lang::lang_of(req.headers());
    LANG.scope(lang, next.run(req)).await
}

fn lang() -> Lang {
    LANG.try_with(|l| *l).unwrap_or_default()
}

/// A failed request.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Service(#[from] service::Error),
    /// The request itself is wrong (not a rule's refusal).
    #[error("bad request: {0:?}")]
    Request(Request),
}

/// What can be wrong with a request before any rule sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    NotJson,
    TooLarge,
    /// Valid JSON of the wrong shape, with serde's words.
    WrongShape(String),
    Malformed(String),
    /// Another rejection of the body, with its status and text.
    Body(u16, String),
    NoEndpoint,
    MethodNotAllowed,
    IdempotencyKey,
    UploadOffset,
    TooManyRequests {
        wait_secs: u64,
    },
    /// A query parameter with no meaning here (an export's unknown format or table).
    BadQuery,
    /// A path segment that is not what the route takes (`/plans/0.5`), with axum's words.
    BadPath(String),
    /// The query string missing a parameter or giving one of the wrong type, with serde's words.
    BadQueryString(String),
}

impl From<Refusal> for AppError {
    fn from(e: Refusal) -> AppError {
        AppError::Service(e.into())
    }
}

impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> AppError {
        AppError::Service(e.into())
    }
}

impl From<Request> for AppError {
    fn from(r: Request) -> AppError {
        AppError::Request(r)
    }
}

fn t(lang: Lang, zh: &str, en: &str) -> String {
    if lang == Lang::Zh { zh } else { en }.to_string()
}

#[rustfmt::skip]
fn missing(m: Missing, l: Lang) -> String {
    let (zh, en) = match m {
        Missing::Application => ("没有找到这份申请", "No such application"),
        Missing::Item => ("没有找到这个事项", "No such item"),
        Missing::Inspection => ("没有找到这次核查", "No such inspection"),
        Missing::Permit => ("没有找到这个许可", "No such permit"),
        Missing::Document => ("没有这份文书（尚未制作，或已不在有效期内）", "No such document (not made yet, or no longer in force)"),
        Missing::Enterprise => ("没有找到这份执照", "No such licence"),
        Missing::HolderRequest => ("没有找到这份申请", "No such request"),
        Missing::FileOrDraft => ("没有找到该文件或草稿", "No such file or draft"),
        Missing::Account => ("没有这个账号", "No such account"),
        Missing::Bundle => ("没有这个套餐", "No such bundle"),
        Missing::Archive => ("没有找到这份档案", "No such archive"),
        Missing::Job => ("没有这个后台任务", "No such job"),
        Missing::View => ("没有这个视图", "No such view"),
        Missing::Plan => ("没有这个抽查计划", "No such inspection plan"),
        Missing::FollowUp => ("没有这项事后核查", "No such follow-up"),
        Missing::Task => ("没有这项检查任务", "No such inspection task"),
        Missing::Webhook => ("没有这个推送订阅", "No such webhook subscription"),
    };
    t(l, zh, en)
}

/// A sentence ending in a list of names (materials), in the language's own separator.
fn listed(l: Lang, (zh, en): (&str, &str), names: &[shared::Text]) -> String {
    let sep = if l == Lang::Zh { "、" } else { ", " };
    let names: Vec<&str> = names.iter().map(|n| n.get(l)).collect();
    format!("{}{}", t(l, zh, en), names.join(sep))
}

#[rustfmt::skip]
fn conflict(c: &Conflict, l: Lang) -> String {
    let (zh, en) = match c {
        Conflict::MaterialsOwed(names) => {
            return listed(l, ("容缺材料尚未补齐，暂不能准予：", "Materials owed are not in yet: "), names);
        }
        Conflict::IntakeDecided => ("这份申请已经处理过", "This application has already been decided at intake"),
        Conflict::ActionNotPossible => ("此事项当前状态下不能执行该操作", "This action is not possible in the item's current state"),
        Conflict::InspectionNotPossible => ("此事项当前状态下不能安排核查", "An item is not in a state to be inspected"),
        Conflict::InspectionRecorded => ("这次核查已经记录过", "This inspection is already recorded"),
        Conflict::NoCommitmentPath => ("此事项不适用告知承诺，或申请人未选择告知承诺", "This item has no commitment path, or the applicant did not choose it"),
        Conflict::ListNotImported => ("失信名单尚未导入，不能按告知承诺审批", "The dishonesty list has not been imported: no approval by commitment"),
        Conflict::Dishonest => ("申请人在失信名单上，不能适用告知承诺，请按一般程序审查", "The applicant is on the dishonesty list: no commitment path, review in full"),
        Conflict::NoArchiveYet => ("尚有事项未办结，档案尚未生成", "Not every item is decided: no archive yet"),
        Conflict::DraftSubmitted => ("此草稿已提交过", "This draft was submitted already"),
        Conflict::PlanDrawn => ("此计划已抽取，结果不可更改", "This plan was drawn already; its result stands"),
        Conflict::FollowUpDone => ("这项事后核查已经记录过结果", "This follow-up's finding is recorded already"),
        Conflict::TaskRecorded => ("这项检查任务已经记录过结果", "This inspection's result is recorded already"),
        Conflict::CommitmentBarred => ("申请人或其法定代表人曾作出不实承诺，在限制期内不适用告知承诺，请按一般程序审查", "A false commitment is on the credit record: no commitment path until the bar ends, review in full"),
        Conflict::DraftClosed => ("此草稿已提交为申请，不能再修改", "This draft was submitted: it cannot change any more"),
        Conflict::Archived => ("申请已全部办结并归档，不再接收材料", "Every item is decided and archived: no more materials"),
        Conflict::NotOwed => ("这项材料不在待补交之列", "This material is not owed"),
        Conflict::SubmittedFileStays => ("已提交的材料不能删除", "A submitted material cannot be removed"),
        Conflict::NothingToAnswer => ("目前没有需要答复的事项", "There is nothing to answer now"),
        Conflict::NoLicenceYet => ("营业执照尚未核发，暂不能申请变更或注销", "The business licence is not issued yet"),
        Conflict::RequestPending => ("同一内容已有申请正在办理", "The same request is already pending"),
        Conflict::RequestDecided => ("该申请已经办结", "This request is decided already"),
        Conflict::LicenceSaysThisAlready => ("执照已是该内容，请不予办理", "The licence says this already: refuse the request"),
        Conflict::PermitNotInForce => ("该许可已不在有效期内", "This permit is no longer in force"),
        Conflict::AlreadyDelivered => ("这份文书已经送达（签收或领取已登记）", "This document was delivered already"),
        Conflict::AlreadyHeld => ("所选许可已持有且在有效期内，无需再次申请", "The business holds this permit, in force, already"),
        Conflict::PermitsStillInForce => ("营业执照最后注销：其他许可仍有效，须先由各部门办结其注销", "The licence ends last: the other permits in force must be cancelled first"),
        Conflict::PermitTransition => ("该许可当前的状态不能改为所选状态（已撤销、已注销的许可不再变更）", "The permit cannot go to that state (a revoked or cancelled permit stays so)"),
        Conflict::IdempotencyKeyReused => ("此 Idempotency-Key 已用于另一份不同的申请", "This Idempotency-Key was already used for a different request"),
        Conflict::JobNotFailed => ("只有已放弃的任务可以重试", "Only a job that was given up can be tried again"),
        Conflict::OwedItemDecided => ("需要该材料的事项已办结，不能撤销容缺", "An item needing this material is decided: the choice stays"),
        Conflict::UsernameTaken => ("该用户名已被使用", "This username is taken"),
        Conflict::ClientHasNoPassword => ("部门系统账号没有密码：请用 lianban client rotate 更换其密钥", "A department system has no password: change its secret with lianban client rotate"),
        Conflict::OwnAccount => ("不能停用自己的账号或取消自己的管理员角色，请由另一位管理员操作", "You cannot deactivate or demote your own account: another administrator must"),
        Conflict::LastAdmin => ("这是最后一位在用的管理员，请先设置另一位管理员", "This is the last active administrator: make another one first"),
        Conflict::NotAllDecided => ("全部事项办结后才能评价", "The service can be rated once every item is decided"),
        Conflict::LicenceFirst => ("营业执照尚未核发：请先办结营业执照，或勾选“先行准予本许可”", "The business licence is not issued yet: decide it first, or tick 'approve this permit first'"),
    };
    t(l, zh, en)
}

/// The lines of a dishonesty list that cannot be imported.
fn unimportable(lines: &[usize], l: Lang) -> String {
    let lines: Vec<String> = lines.iter().map(usize::to_string).collect();
    let lines = lines.join(", ");
    match l {
        Lang::Zh => format!(
            "以下行无法导入（类型须为 uscc 或 id_number，代码须通过校验，名称不能为空）：{lines}"
        ),
        Lang::En => format!(
            "These lines cannot be imported (kind uscc or id_number, a valid code, a name): {lines}"
        ),
    }
}

#[rustfmt::skip]
fn invalid(i: &Invalid, l: Lang) -> String {
    let (zh, en) = match i {
        Invalid::ChangeValue(p) => return p.message(l),
        Invalid::NotSentAnew(names) => {
            return listed(l, ("请先重新上传以下材料，再提交答复：", "Send new files for these first, then the answer: "), names);
        }
        Invalid::MaterialsMissing(names) => {
            return listed(l, ("以下材料既未上传，也未收到纸质件或容缺后补，不能受理：", "Neither uploaded, received on paper nor to follow — no acceptance: "), names);
        }
        Invalid::ListLines(lines) => return unimportable(lines, l),
        Invalid::Bundle => ("没有这个套餐", "No such bundle"),
        Invalid::Draft => ("没有找到这份草稿", "No such draft"),
        Invalid::AcceptedOn => ("请输入有效日期（年-月-日）", "Enter a real date (YYYY-MM-DD)"),
        Invalid::Notice => ("请一次性写明需要补正的全部内容（不超过 2000 字）", "Write everything to correct, at once (2000 characters at most)"),
        Invalid::MissingMaterials => ("只有可容缺的次要材料可以后补", "Only secondary materials allowed to follow may be missing"),
        Invalid::BringBy => ("请填写申请人承诺补交的日期（不早于今天）", "Give the day the applicant commits to bring them (today or later)"),
        Invalid::InspectionDay(_) => ("请填写核查日期（不早于今天）", "Give the inspection day (today or later)"),
        Invalid::ItemNotOfApplication => ("事项不属于这份申请", "An item is not part of this application"),
        Invalid::ItemNotOnsite => ("只有需要现场核查的事项可以联合核查", "Only items with an on-site check can be inspected"),
        Invalid::NoItemOfYours => ("请至少选择一个本部门的事项", "Choose at least one item of your department"),
        Invalid::InspectionResult => ("请填写核查结果（不超过 2000 字）", "Write the result (2000 characters at most)"),
        Invalid::ReviewMessage => ("请写明理由或需要补充的内容（不超过 2000 字）", "Write the reason or what is needed (2000 characters at most)"),
        Invalid::Certificate => ("请填写许可证编号（不超过 40 字）", "Give the certificate number (40 characters at most)"),
        Invalid::FollowUpOn => ("请填写事后核查日期（晚于今天）", "Give the follow-up check day (after today)"),
        Invalid::Insufficient => ("只能标注本事项所需的材料", "Only materials this item needs can be marked"),
        Invalid::PermitState => ("无效的状态", "Unknown state"),
        Invalid::PermitReason => ("请写明理由", "Give the reason"),
        Invalid::Reason => ("请写明理由（不超过 2000 字）", "Give the reason (2000 characters at most)"),
        Invalid::ChangeField => ("只能变更名称、法定代表人或经营场所", "Only the name, the legal representative or the address change"),
        Invalid::SameValue => ("与执照上现有内容相同", "That is what the licence says already"),
        Invalid::Permit => ("没有这个许可", "No such permit"),
        Invalid::PermitNotInForce => ("该许可已不在有效期内，无需注销", "This permit is no longer in force"),
        Invalid::NoteTooLong => ("意见不超过 2000 字", "2000 characters at most"),
        Invalid::NoteRequired => ("不予办理请写明理由", "Give the reason for refusing"),
        Invalid::DeliveryWay => ("送达方式只能是电子送达或窗口领取", "Delivery is electronic or on paper at the window"),
        Invalid::Holder => ("增办许可须从营业执照持有人的办理进度页进入", "An addition is made from the licence holder's status page"),
        Invalid::ReplyMessage => ("请填写答复（不超过 2000 字）", "Write your answer (2000 characters at most)"),
        Invalid::Worklist(_) => ("筛选条件无效，请重新选择", "This filter is not valid: choose again"),
        Invalid::Statistics("from" | "to") => ("请填写有效的日期（YYYY-MM-DD），起始日不晚于截止日", "Give a valid date (YYYY-MM-DD), the start no later than the end"),
        Invalid::Statistics(_) => ("没有这个部门或套餐，请重新选择", "No such department or bundle: choose again"),
        Invalid::PauseKind => ("请选择专家评审或检验检测", "Choose expert review or testing"),
        Invalid::Rating("score") => ("请选择 1 到 5 分", "Choose a score from 1 to 5"),
        Invalid::Rating(_) => ("意见请不超过 500 字", "Keep the comment to 500 characters"),
        Invalid::PlanName | Invalid::FollowUpOutcome | Invalid::FollowUpNote | Invalid::TaskResult | Invalid::TaskChecks | Invalid::RectifyBy | Invalid::TaskNote | Invalid::PlanItems | Invalid::PlanFilters | Invalid::ConflictInspector | Invalid::TaskPhoto | Invalid::ConflictEnterprise | Invalid::PlanDepartments | Invalid::PlanRatios | Invalid::PlanPerDepartment => return supervision(i, l),
        Invalid::SavedView => ("视图名称 1–40 个字，每人最多保存 20 个视图", "A view's name has 1–40 characters; 20 views each at most"),
        Invalid::PaperMaterials => ("纸质件只能登记本申请需要的材料", "Only materials this application needs can be received on paper"),
        Invalid::ItemsWouldChange => ("这一改动会改变需要办理的事项，请到窗口咨询或重新申请", "This change would change the permits needed: ask at the window or apply anew"),
        Invalid::NamedFields => ("只能点名本申请表单中的栏目", "Only fields of this application's form can be named"),
        Invalid::NamedMaterials => ("只能点名本申请的材料", "Only materials of this application can be named"),
        Invalid::Username | Invalid::DisplayName | Invalid::Role | Invalid::Department | Invalid::StaffCertificate | Invalid::Password | Invalid::PasswordLink | Invalid::Email | Invalid::WebhookUrl | Invalid::WebhookHost => return accounts(i, l),
    };
    t(l, zh, en)
}

/// The words of staff accounts' refusals (and their addresses: e-mail, a system's webhook).
#[rustfmt::skip]
fn accounts(i: &Invalid, l: Lang) -> String {
    let (zh, en) = match i {
        Invalid::Username => ("用户名为 1–64 个英文字母、数字或 . _ -", "A username has 1–64 letters, digits, '.', '_' or '-'"),
        Invalid::DisplayName => ("请填写姓名（不超过 40 字）", "Give the name (40 characters at most)"),
        Invalid::Role => ("请选择角色：综合窗口、部门审查员、执法检查人员或管理员", "Choose a role: window clerk, reviewer, inspector or administrator"),
        Invalid::Department => ("审查员和执法检查人员须选择所属部门；综合窗口和管理员不属于部门", "A reviewer or an inspector belongs to a department; a clerk or an administrator to none"),
        Invalid::StaffCertificate => ("执法检查人员须填写执法证号（不超过 40 字）；其他角色不填", "An inspector has a certificate number (40 characters at most); no one else has one"),
        Invalid::Password => ("密码长度为 12 到 128 个字符", "A password has 12 to 128 characters"),
        Invalid::PasswordLink => ("此链接已使用、已被新链接取代或已过期，请向管理员索取新链接", "This link was used, replaced or has expired: ask the administrator for a new one"),
        Invalid::Email => ("电子邮箱格式不正确", "This is not a valid email address"),
        Invalid::WebhookUrl => ("请填写完整的 https:// 地址", "Give a whole https:// address"),
        Invalid::WebhookHost => ("该地址的主机不在管理员允许推送的主机之列（--webhook-hosts），请联系管理员", "This address's host is not among the hosts the administrator allows webhooks to (--webhook-hosts): ask the administrator"),
        _ => ("输入无效", "Not valid"),
    };
    t(l, zh, en)
}

/// The words of supervision's refusals (plans, follow-ups, inspection tasks, conflicts).
#[rustfmt::skip]
fn supervision(i: &Invalid, l: Lang) -> String {
    let (zh, en) = match i {
        Invalid::PlanName => ("计划名称 1–100 个字", "A plan's name has 1–100 characters"),
        Invalid::FollowUpOutcome => ("请选择核查结论：履行承诺或承诺不实", "Choose the finding: commitment fulfilled or false"),
        Invalid::FollowUpNote => ("认定承诺不实须写明核查发现的事实（不超过 2000 字）", "A false commitment needs the facts found (2000 characters at most)"),
        Invalid::TaskResult => ("请选择检查结果", "Choose the result"),
        Invalid::TaskChecks => ("请逐项填写检查清单", "Answer every line of the checklist"),
        Invalid::RectifyBy => ("请填写整改期限（晚于今天）", "Give the day to rectify by (after today)"),
        Invalid::TaskNote => ("责令整改或不合格须写明发现的问题（不超过 2000 字）", "Write the problems found (2000 characters at most)"),
        Invalid::PlanItems => ("请选择参与部门负责的检查事项", "Choose inspection items of the departments taking part"),
        Invalid::PlanFilters => ("筛选的行业或许可类型不存在", "No such industry or permit type"),
        Invalid::ConflictInspector => ("请选择一位在用的执法检查人员", "Choose an active inspector"),
        Invalid::TaskPhoto => ("现场照片须为 JPEG 或 PNG（不超过 1 MB），每项任务最多 10 张", "A photo is a JPEG or PNG (1 MB at most), ten per task at most"),
        Invalid::ConflictEnterprise => ("没有持此统一社会信用代码的执照", "No licence holds this credit code"),
        Invalid::PlanDepartments => ("请从部门名录中选择参与抽查的部门，至少一个", "Choose the departments taking part from the list: one at least"),
        Invalid::PlanRatios => ("抽查比例按风险等级 A–D 填写，每级 0–100%", "Give each risk class A–D a share of 0–100%"),
        Invalid::PlanPerDepartment => ("每个部门每户抽取 1–5 名检查人员，每户合计至少 2 名", "1–5 inspectors per department and object, two at least for each visit"),
        _ => ("输入无效", "Not valid"),
    };
    t(l, zh, en)
}

#[rustfmt::skip]
fn credential(c: Credential, l: Lang) -> String {
    let (zh, en) = match c {
        Credential::Session => ("请先登录", "Please log in"),
        Credential::StatusToken => ("需要申请的查询凭证", "The application's status token is required"),
        Credential::Password => ("用户名或密码不正确，或尝试次数过多（请稍候再试）", "Wrong username or password, or too many tries (wait a moment)"),
    };
    t(l, zh, en)
}

#[rustfmt::skip]
fn forbidden(r: Role, l: Lang) -> String {
    let (zh, en) = match r {
        Role::Role => ("您的角色不能执行此操作", "Your role may not do this"),
        Role::NotRegistrationAuthority => ("变更登记由登记机关办理", "Changes are registered by the registration authority"),
    };
    t(l, zh, en)
}

/// A refusal's status and body.
fn refusal(e: &Refusal, l: Lang) -> (StatusCode, ErrorBody) {
    let plain = |status, message| (status, ErrorBody::new(message));
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    match e {
        Refusal::NotFound(m) => plain(StatusCode::NOT_FOUND, missing(*m, l)),
        Refusal::Unauthenticated(c) => plain(StatusCode::UNAUTHORIZED, credential(*c, l)),
        Refusal::Forbidden(r) => plain(StatusCode::FORBIDDEN, forbidden(*r, l)),
        Refusal::Stale => plain(
            StatusCode::PRECONDITION_FAILED,
            t(
                l,
                "该记录已被他人更新，请刷新后再操作",
                "Someone else changed this record: reload it and try again",
            ),
        ),
        // A reused key is a request that cannot be processed, not a state of a record.
        Refusal::Conflict(c @ Conflict::IdempotencyKeyReused) => {
            plain(unprocessable, conflict(c, l))
        }
        Refusal::Conflict(c) => plain(StatusCode::CONFLICT, conflict(c, l)),
        Refusal::Invalid(i) => (unprocessable, ErrorBody::field(i.field(), invalid(i, l))),
        Refusal::Answers(problems) => (unprocessable, ErrorBody::from_problems(problems, l)),
        Refusal::File { field, problem } => {
            (unprocessable, ErrorBody::field(field, problem.message(l)))
        }
        Refusal::NotCsv => plain(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            t(
                l,
                "请上传 CSV 文件（text/csv）",
                "Send a CSV file (text/csv)",
            ),
        ),
        Refusal::Busy => plain(
            StatusCode::SERVICE_UNAVAILABLE,
            t(
                l,
                "服务器繁忙，请稍后再试",
                "The server is busy: try again in a moment",
            ),
        ),
    }
}

#[rustfmt::skip]
fn request(r: &Request, l: Lang) -> (StatusCode, String) {
    let max = shared::api::MAX_BODY_BYTES / 1024;
    let both = |zh: String, en: String| if l == Lang::Zh { zh } else { en };
    match r {
        Request::NotJson => (StatusCode::UNSUPPORTED_MEDIA_TYPE, t(l, "请求内容类型应为 application/json", "Expected a request with Content-Type: application/json")),
        Request::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, both(format!("请求内容超过 {max} KB 上限"), format!("The request body exceeds the {max} KB limit"))),
        Request::WrongShape(e) => (StatusCode::UNPROCESSABLE_ENTITY, format!("{}: {e}", t(l, "请求内容结构不正确", "The request body has the wrong shape"))),
        Request::Malformed(e) => (StatusCode::BAD_REQUEST, format!("{}: {e}", t(l, "请求内容不是有效的 JSON", "The request body is not valid JSON"))),
        Request::Body(status, text) => (StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_REQUEST), text.clone()),
        Request::NoEndpoint => (StatusCode::NOT_FOUND, t(l, "没有这个接口", "No such API endpoint")),
        Request::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, t(l, "不支持此请求方法", "Method not allowed")),
        Request::IdempotencyKey => (StatusCode::BAD_REQUEST, t(l, "Idempotency-Key 应为 16–255 个可见 ASCII 字符（例如随机 UUID）", "Idempotency-Key must be 16–255 visible ASCII characters (a random UUID, say)")),
        Request::UploadOffset => (StatusCode::BAD_REQUEST, t(l, "缺少 Upload-Offset（本段在文件中的起点）", "Upload-Offset (where this part starts) is required")),
        Request::BadQuery => (StatusCode::BAD_REQUEST, t(l, "查询参数无效", "A query parameter is not valid here")),
        Request::BadPath(e) => (StatusCode::BAD_REQUEST, format!("{}: {e}", t(l, "请求地址中的参数无效", "A parameter in the request's path is not valid"))),
        Request::BadQueryString(e) => (StatusCode::BAD_REQUEST, format!("{}: {e}", t(l, "查询参数缺失或无效", "A query parameter is missing or not valid"))),
        Request::TooManyRequests { wait_secs } => (StatusCode::TOO_MANY_REQUESTS, both(format!("请求过于频繁，请 {wait_secs} 秒后再试"), format!("Too many requests: try again in {wait_secs} s"))),
    }
}

impl AppError {
    /// A refusal or a bad request in words, for a page to show; `None`: a failure of the
    /// server's own, answered as usual.
    pub fn in_words(&self, l: Lang) -> Option<(StatusCode, String)> {
        match self {
            AppError::Service(service::Error::Refused(e)) => {
                let (status, body) = refusal(e, l);
                Some((status, body.first_message()))
            }
            AppError::Request(r) => Some(request(r, l)),
            _ => None,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let l = lang();
        let (status, body) = match &self {
            AppError::Service(service::Error::Refused(e)) => refusal(e, l),
            AppError::Request(r) => {
                let (status, message) = request(r, l);
                (status, ErrorBody::new(message))
            }
            AppError::Service(service::Error::Database(e)) => return internal(e),
            AppError::Service(service::Error::Internal(e)) => return internal(e.as_ref()),
        };
        let mut res = (status, axum::Json(body)).into_response();
        if let AppError::Request(Request::TooManyRequests { wait_secs }) = self
            && let Ok(v) = HeaderValue::from_str(&wait_secs.to_string())
        {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        res
    }
}

/// A handler panicked: logged, and answered like any internal error (never a dropped
/// connection).
pub fn panicked(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let what = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("a panic");
    let e = anyhow::anyhow!("panicked: {what}");
    internal(e.as_ref())
}

fn internal(e: &(dyn std::error::Error + 'static)) -> Response {
    let mut chain = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        chain.push_str(": ");
        chain.push_str(&s.to_string());
        source = s.source();
    }
    tracing::error!(error = %chain, "request failed");
    let body = ErrorBody::new(
        "服务器内部错误，请稍后再试 / Internal server error, please try again later",
    );
    (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_has_its_status_and_its_words_in_both_languages() {
        let cases = [
            (Refusal::NotFound(Missing::Application), 404),
            (Refusal::Unauthenticated(Credential::Session), 401),
            (Refusal::Forbidden(Role::Role), 403),
            (Refusal::Stale, 412),
            (Refusal::Conflict(Conflict::IntakeDecided), 409),
            (Refusal::Conflict(Conflict::IdempotencyKeyReused), 422),
            (Refusal::Invalid(Invalid::Notice), 422),
            (Refusal::NotCsv, 415),
            (Refusal::Busy, 503),
        ];
        for (e, status) in cases {
            let (zh_status, zh) = refusal(&e, Lang::Zh);
            let (_, en) = refusal(&e, Lang::En);
            assert_eq!(zh_status.as_u16(), status, "{e:?}");
            assert_ne!(zh.message, en.message, "{e:?} in two languages");
        }
        let (_, body) = refusal(&Refusal::Invalid(Invalid::BringBy), Lang::En);
        assert!(body.field_errors.contains_key("bring_by"));
        let owed = Conflict::MaterialsOwed(vec![
            shared::Text::new("甲", "A"),
            shared::Text::new("乙", "B"),
        ]);
        assert_eq!(
            conflict(&owed, Lang::En),
            "Materials owed are not in yet: A, B"
        );
    }

    #[tokio::test]
    async fn a_panic_is_answered_500_in_the_error_shape() {
        let res = panicked(Box::new("index out of bounds"));
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let bytes = axum::body::to_bytes(res.into_body(), 4096)
            .await
            .expect("body");
        let body: ErrorBody = serde_json::from_slice(&bytes).expect("the error shape");
        assert!(body.message.contains("Internal server error"), "{body:?}");
        assert!(
            !body.message.contains("index"),
            "nothing of the panic leaks"
        );
    }
}
