//! The schema, in portable types only (BigInt ids, Text, Timestamp, Bool, BigInt money), so
//! that one set of queries serves both backends. Enums are Text with CHECK constraints.

diesel::table! {
    districts (code) {
        code -> Text,
        name -> Text,
        name_en -> Text,
        sido -> Text,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Text,
        password_hash -> Text,
        display_name -> Text,
        role -> Text,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        enterprise_id -> Nullable<BigInt>,
        agency_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        family_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_failures (id) {
        id -> BigInt,
        throttle_key -> Text,
        failed_at -> Timestamp,
    }
}

diesel::table! {
    enterprises (id) {
        id -> BigInt,
        name -> Text,
        biz_reg_no -> Text,
        kind -> Text,
        district -> Text,
        representative -> Text,
        phone -> Text,
        address -> Text,
        description -> Text,
        employees -> Nullable<BigInt>,
        vulnerable_employees -> Nullable<BigInt>,
        status -> Text,
        verified_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        search_name -> Text,
        search_chosung -> Text,
        search_grams -> Text,
    }
}

diesel::table! {
    agencies (id) {
        id -> BigInt,
        name -> Text,
        kind -> Text,
        district -> Nullable<Text>,
        parent_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    purchase_plans (agency_id, year) {
        agency_id -> BigInt,
        year -> BigInt,
        total_purchase_won -> BigInt,
        social_target_bp -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    categories (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        name_en -> Text,
        parent_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    products (id) {
        id -> BigInt,
        enterprise_id -> BigInt,
        category_id -> BigInt,
        name -> Text,
        description -> Text,
        unit -> Text,
        price_won -> BigInt,
        min_order_qty -> BigInt,
        stock -> BigInt,
        lead_time_days -> BigInt,
        status -> Text,
        reject_reason -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        search_name -> Text,
        search_chosung -> Text,
        search_text -> Text,
        search_grams -> Text,
    }
}

diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(products -> enterprises (enterprise_id));
diesel::joinable!(products -> categories (category_id));
diesel::joinable!(purchase_plans -> agencies (agency_id));
diesel::joinable!(users -> enterprises (enterprise_id));
diesel::joinable!(users -> agencies (agency_id));

diesel::allow_tables_to_appear_in_same_query!(
    districts,
    users,
    refresh_tokens,
    login_failures,
    enterprises,
    agencies,
    purchase_plans,
    categories,
    products,
);
